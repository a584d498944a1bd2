"""What Terraform does to a resource type: which arguments replace it, what its deletion costs."""

from __future__ import annotations

from ...models import Severity
from ...rx import lazy
from ..forcing import TERRAFORM

#: identity arguments: changing one replaces any managed resource of these providers
_GENERIC_FORCE_NEW = frozenset(["name", "identifier", "location", "region", "availability_zone"])
_GENERIC_PROVIDERS = (
    "aws_",
    "google_",
    "azurerm_",
    "azuread_",
    "oci_",
    "digitalocean_",
    "alicloud_",
    "ibm_",
    "linode_",
    "hcloud_",
    "scaleway_",
    "helm_",
)
#: (type, argument) pairs the generic rule must not flag: these rename in place
_IN_PLACE = frozenset(
    {
        ("aws_iam_user", "name"),
        ("aws_iam_group", "name"),
        ("aws_api_gateway_rest_api", "name"),
        ("aws_apigatewayv2_api", "name"),
        ("google_project", "name"),
    }
)
#: resource types whose deletion removes something of passing value (recreated on the next apply)
_EPHEMERAL_PREFIXES = (
    "null_",
    "terraform_data",
    "random_",
    "time_",
    "local_",
    "tls_",
    "external",
    "archive_",
    "template_",
    "http",
)
_ATTACHMENT_SUFFIXES = ("_attachment", "_association", "_policy_attachment", "_membership")
#: the main kinds of infrastructure that keep state or are shared, for the detail of a deletion
STATEFUL_RE = lazy(
    r"vpc|subnet|route|nat|gateway|eip|network|vnet|peering|vpn|endpoint|firewall|security_group|"
    r"db|rds|database|sql|spanner|bigtable|bigquery|dataset|redis|memcache|elasticache|cache|dynamodb|"
    r"table|docdb|neptune|redshift|opensearch|elasticsearch|kinesis|stream|msk|kafka|bucket|storage|"
    r"file_system|efs|fsx|volume|disk|snapshot|backup|iam|role|policy|user|service_account|kms|key|"
    r"secret|cluster|node_pool|node_group|instance|lb|load_balancer|queue|topic|pubsub|sqs|sns|"
    r"route53|dns|zone|record|domain|repository|registry|project|folder|organization|account|"
    r"resource_group|namespace|deployment|stateful_set"
)


def deletion_severity(rtype: str) -> Severity:
    if rtype.startswith(_EPHEMERAL_PREFIXES):
        return "medium"
    if rtype.endswith(_ATTACHMENT_SUFFIXES) and "route" not in rtype:
        return "medium"
    return "high"


def force_new(rtype: str, path: tuple[str, ...], key: str) -> bool:
    table = TERRAFORM.attributes(rtype)
    if not path and key in table:
        return True
    if path and f"{path[0]}.*" in table:
        return True
    if (
        rtype.startswith("kubernetes_")
        and path[:1] == ("metadata",)
        and key in ("name", "namespace")
    ):
        return True
    if path or key not in _GENERIC_FORCE_NEW or (rtype, key) in _IN_PLACE:
        return False
    return rtype.startswith(_GENERIC_PROVIDERS) or key in (
        "location",
        "region",
        "availability_zone",
    )
