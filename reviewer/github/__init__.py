"""GitHub surfaces: the Action (``reviewer github``) and the App (``reviewer serve``).

The only package that imports PyGithub (``api.py``, ``app.py``) and starlette/uvicorn (``app.py``).
Module map: ``event`` reads webhook/Action payloads, ``commands`` parses ``/answer`` and friends,
``state`` keeps the review state in the sticky comment, ``ai`` detects AI-assisted changes, ``api``
talks to the REST API (retries, rate limits), ``flow`` is the review run shared by Action and App,
``publish`` posts the results, ``workflow`` writes the Actions runner files, ``action`` and ``app``
are the two entry points.
"""
