"""Shell text and the files that hold it: dangerous commands, scripts, Dockerfiles, Makefiles."""
