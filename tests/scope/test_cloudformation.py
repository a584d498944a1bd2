from __future__ import annotations

from pathlib import Path

from reviewer.models import FileScope
from tests.helpers import scope_both

GOLDEN = Path(__file__).parent / "golden" / "cloudformation"


def _codes(scope: FileScope) -> dict[str, str]:
    return {s.code: s.severity for s in scope.signals}


def _bucket(extra: str = "", props: int = 20) -> str:
    filler = "".join(f"        - Key: tag{i}\n          Value: v{i}\n" for i in range(props))
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      Tags:\n" + filler + "      BucketName: data-bucket\n" + extra
    )


def test_replacing_property_far_below_the_resource_header() -> None:
    old = _bucket()
    full, hunks = scope_both(
        "stacks/storage.yaml", old, old.replace("data-bucket", "data-bucket-v2")
    )
    assert _codes(full) == _codes(hunks) == {"cfn.replacement": "high"}
    assert [s.name for s in full.symbols] == ["Data"]
    assert hunks.language == "cloudformation"


def test_policy_statements() -> None:
    old = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/ReadOnlyAccess
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Deny
                Action: s3:DeleteBucket
                Resource: "*"
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: !Sub "arn:aws:s3:::b/*"
"""
    new = old.replace("ReadOnlyAccess", "AdministratorAccess").replace(
        '              - Effect: Deny\n                Action: s3:DeleteBucket\n                Resource: "*"\n',
        "",
    )
    full, hunks = scope_both("stacks/iam.yaml", old, new)
    assert _codes(full) == _codes(hunks) == {"cfn.admin_policy": "high", "cfn.deny_removed": "high"}


def test_open_egress_is_not_ingress() -> None:
    old = """Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupEgress:
        - IpProtocol: "-1"
          CidrIp: 10.0.0.0/8
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
"""
    egress = old.replace(
        "          CidrIp: 10.0.0.0/8\n      SecurityGroupIngress",
        "          CidrIp: 0.0.0.0/0\n      SecurityGroupIngress",
    )
    full, hunks = scope_both("stacks/sg.yaml", old, egress)
    assert _codes(full) == _codes(hunks) == {}
    ingress = old[: old.rindex("10.0.0.0/8")] + "0.0.0.0/0\n"
    full, hunks = scope_both("stacks/sg.yaml", old, ingress)
    assert _codes(full) == _codes(hunks) == {"cfn.open_ingress": "high"}


def test_deletion_policy_removed_and_protection_off() -> None:
    old = """Resources:
  Db:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    Properties:
      Engine: postgres
      DeletionProtection: true
      BackupRetentionPeriod: 7
"""
    new = (
        old.replace("    DeletionPolicy: Snapshot\n", "")
        .replace("DeletionProtection: true", "DeletionProtection: false")
        .replace("BackupRetentionPeriod: 7", "BackupRetentionPeriod: 0")
    )
    full, hunks = scope_both("stacks/db.yaml", old, new)
    want = {
        "cfn.deletion_policy": "high",
        "cfn.deletion_protection": "high",
        "cfn.backups_disabled": "high",
    }
    assert _codes(full) == _codes(hunks) == want


def test_deleting_a_cheap_resource_is_medium() -> None:
    old = "Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Threshold: 1\n  Q:\n    Type: AWS::SQS::Queue\n"
    full, hunks = scope_both("stacks/a.yaml", old, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert _codes(full) == _codes(hunks) == {"cfn.resource_deleted": "medium"}


_BUS_POLICY = """Resources:
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: Central
      Statement:
        Effect: Allow
        Principal: {principal}
        Action: events:PutEvents
        Resource: "*"
{condition}"""


def _principal_signal(
    new: str, path: str = "stacks/bus.yaml", old: str = "Resources: {}\n"
) -> list[tuple[str, str]]:
    full, hunks = scope_both(path, old, new)
    out = {(s.severity, s.detail) for s in full.signals if s.code == "cfn.iam_wildcard"}
    assert out == {(s.severity, s.detail) for s in hunks.signals if s.code == "cfn.iam_wildcard"}
    return sorted(out)


def test_a_wildcard_principal_pinned_to_an_organisation_is_not_anybody() -> None:
    pinned = _BUS_POLICY.format(
        principal="'*'",
        condition="        Condition:\n          StringEquals:\n"
        "            aws:PrincipalOrgID: o-example\n",
    )
    assert _principal_signal(pinned) == [
        ("low", "allows any principal (`*`) that matches `aws:PrincipalOrgID`")
    ]
    # `Principal: {AWS: "*"}` with the caller's account pinned reads the same
    nested = _BUS_POLICY.format(
        principal="\n          AWS: '*'",
        condition="        Condition:\n          ArnLike:\n            aws:SourceArn: arn:x\n",
    )
    assert _principal_signal(nested) == [
        ("low", "allows any principal (`*`) that matches `aws:SourceArn`")
    ]


def test_a_wildcard_principal_with_a_condition_that_pins_nobody_stays_high() -> None:
    loose = _BUS_POLICY.format(
        principal="'*'",
        condition="        Condition:\n          Bool:\n            aws:SecureTransport: 'true'\n",
    )
    assert _principal_signal(loose) == [("high", "allows any principal (`*`)")]
    bare = _BUS_POLICY.format(principal="'*'", condition="")
    assert _principal_signal(bare) == [("high", "allows any principal (`*`)")]


def test_a_json_template_pins_its_principal_the_same_way() -> None:
    new = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "BusPolicy": {
      "Type": "AWS::Events::EventBusPolicy",
      "Properties": {
        "Statement": {
          "Effect": "Allow",
          "Principal": "*",
          "Action": "events:PutEvents",
          "Condition": {
            "StringEquals": {
              "aws:PrincipalOrgID": "o-example"
            }
          }
        }
      }
    }
  }
}
"""
    old = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {}\n}\n'
    assert _principal_signal(new, "stacks/bus.json", old) == [
        ("low", "allows any principal (`*`) that matches `aws:PrincipalOrgID`")
    ]


def test_a_changed_resource_type_names_both_types() -> None:
    old = (
        "Resources:\n  Hosts:\n    Type: AWS::AutoScaling::LaunchConfiguration\n"
        "    Properties:\n      ImageId: ami-1\n"
    )
    new = (
        "Resources:\n  Hosts:\n    Type: AWS::EC2::LaunchTemplate\n"
        "    Properties:\n      LaunchTemplateData:\n        ImageId: ami-1\n"
    )
    for scope in scope_both("stacks/hosts.yaml", old, new):
        got = [(s.severity, s.detail) for s in scope.signals if s.code == "cfn.replacement"]
        assert got == [
            (
                "high",
                "changes the type of `Hosts` from `AWS::AutoScaling::LaunchConfiguration` "
                "to `AWS::EC2::LaunchTemplate`",
            )
        ]
