"""What losing or replacing a resource costs: stateful types, properties that force replacement."""

from __future__ import annotations

from ...models import REPLACEMENT, Signal
from ...rx import lazy
from ..forcing import CLOUDFORMATION
from ..yaml_view import Change
from .template import resource_and_property, signal_at

#: deleting one of these destroys state or something other stacks and services share
STATEFUL_RE = lazy(
    r"^AWS::(EC2::(VPC|Subnet|RouteTable|Route|NatGateway|InternetGateway|VPCGatewayAttachment|SecurityGroup"
    r"|TransitGateway\w*|VPNGateway|VPNConnection|CustomerGateway|VPCPeeringConnection|VPCEndpoint|NetworkAcl"
    r"|EIP|Instance|Volume|DHCPOptions|SubnetRouteTableAssociation|VPCCidrBlock|NetworkInterface|KeyPair)$"
    r"|RDS::|DynamoDB::|S3::|EFS::|FSx::|ElastiCache::|MemoryDB::|Redshift\w*::|DocDB\w*::|Neptune\w*::|EKS::"
    r"|ECS::(Cluster|Service)$|IAM::|KMS::|SQS::|SNS::Topic$|Kinesis\w*::|MSK::|OpenSearchService::"
    r"|Elasticsearch::|Route53\w*::|ElasticLoadBalancing\w*::|CloudFront::|Cognito::|SecretsManager::"
    r"|Logs::LogGroup$|Backup::|AutoScaling::AutoScalingGroup$|ApiGateway\w*::(RestApi|Api|DomainName|Stage)$"
    r"|CertificateManager::|ECR::|StepFunctions::|Glue::(Database|Table)$|Lambda::Function$|Serverless::"
    r"|Events::EventBus$|AppSync::GraphQLApi$|Batch::ComputeEnvironment$|QLDB::|Timestream::|Cassandra::"
    r"|DAX::|CodeCommit::|CodeArtifact::)"
)


def replacements(
    chs: list[Change], types: dict[str, str], whole: set[str], json: bool
) -> list[Signal]:
    """Changed properties (or types) that make CloudFormation replace a resource that stays."""
    out: list[Signal] = []
    for ch in chs:
        if ch.node is None or (ch.is_text and ch.node.key == "-"):
            continue
        unit = ch.outline.unit if ch.outline is not None else 2
        res, prop = resource_and_property(ch, json, unit)
        if res is not None and res in whole:
            continue
        t = types.get(res, "") if res else ""
        if prop is None:
            continue
        if prop in CLOUDFORMATION.attributes(t):
            where = f" of `{res}`" + (f" ({t})" if t else "") if res else ""
            out.append(
                signal_at(
                    REPLACEMENT,
                    "cfn.replacement",
                    f"changes `{prop}`{where}: CloudFormation replaces the resource",
                    ch,
                    res,
                    "high",
                )
            )
    return out


def retyped(
    added: list[Change], old_types: dict[str, str], new_types: dict[str, str]
) -> list[Signal]:
    """Resources whose `Type` changes: CloudFormation deletes the old one and creates the new."""
    out: list[Signal] = []
    for ch in added:
        if ch.node is None or ch.is_text or ch.key != "Type" or len(ch.node.path) != 2:
            continue
        section, res = ch.node.path
        was, now = old_types.get(res), new_types.get(res)
        if section != "Resources" or not was or not now or was == now:
            continue
        detail = f"changes the type of `{res}` from `{was}` to `{now}`"
        out.append(signal_at(REPLACEMENT, "cfn.replacement", detail, ch, res, "high"))
    return out
