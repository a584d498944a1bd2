"""Attributes that force replacement: one table shape for every platform the scope reads.

Changing one of these attributes does not update a resource in place: the platform destroys it and
creates a new one (new identifiers, data lost unless restored, dependents cut off meanwhile).
Adding what a resource type forces is a line in the table of its platform, here; the analyzers
(``terraform/``, ``cloudformation/``, ``kubernetes.py``) only read these tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..record import record


@record
class ForcingAttributes:
    """Resource type -> the attributes whose change replaces a resource of that type."""

    #: why these attributes force replacement, and where the knowledge comes from
    reason: str
    by_type: Mapping[str, frozenset[str]]
    #: for a type the table does not list, or a change that does not show its type
    unlisted: frozenset[str] = frozenset()

    def attributes(self, resource_type: str) -> frozenset[str]:
        return self.by_type.get(resource_type, self.unlisted)


def _table(reason: str, by_type: dict[str, str], unlisted: str = "") -> ForcingAttributes:
    """A table written as ``type -> "space separated attributes"``."""
    return ForcingAttributes(
        reason=reason,
        by_type={k: frozenset(v.split()) for k, v in by_type.items()},
        unlisted=frozenset(unlisted.split()),
    )


#: Terraform arguments by resource type. "block.*" means any argument inside that nested block.
#: Types it does not list still get the generic rule of ``terraform/resources.py`` (the identity
#: arguments of every managed resource of the big cloud providers).
TERRAFORM = _table(
    "the provider marks the argument ForceNew: `terraform plan` shows `# forces replacement`",
    {
        "aws_db_instance": "engine identifier identifier_prefix availability_zone username storage_encrypted "
        "kms_key_id db_name character_set_name timezone snapshot_identifier",
        "aws_rds_cluster": "cluster_identifier cluster_identifier_prefix engine engine_mode availability_zones "
        "database_name master_username storage_encrypted kms_key_id db_subnet_group_name snapshot_identifier",
        "aws_rds_cluster_instance": "identifier identifier_prefix engine cluster_identifier availability_zone",
        "aws_db_subnet_group": "name name_prefix",
        "aws_db_parameter_group": "name name_prefix family",
        "aws_rds_cluster_parameter_group": "name name_prefix family",
        "aws_db_option_group": "name name_prefix engine_name major_engine_version",
        "aws_vpc": "cidr_block ipv4_ipam_pool_id",
        "aws_subnet": "cidr_block vpc_id availability_zone availability_zone_id outpost_arn",
        "aws_nat_gateway": "subnet_id allocation_id connectivity_type private_ip",
        "aws_eip": "domain vpc network_border_group public_ipv4_pool address",
        "aws_route_table": "vpc_id",
        "aws_route": "route_table_id destination_cidr_block destination_ipv6_cidr_block destination_prefix_list_id",
        "aws_route_table_association": "subnet_id gateway_id",
        "aws_security_group": "name name_prefix description vpc_id",
        "aws_network_acl": "vpc_id",
        "aws_network_acl_rule": "network_acl_id rule_number egress protocol rule_action cidr_block "
        "ipv6_cidr_block from_port to_port icmp_type icmp_code",
        "aws_vpc_endpoint": "vpc_id service_name vpc_endpoint_type",
        "aws_vpn_gateway": "amazon_side_asn availability_zone",
        "aws_vpc_peering_connection": "vpc_id peer_vpc_id peer_owner_id peer_region",
        "aws_ec2_transit_gateway": "amazon_side_asn",
        "aws_s3_bucket": "bucket bucket_prefix object_lock_enabled",
        "aws_iam_role": "name name_prefix path",
        "aws_iam_policy": "name name_prefix path description",
        "aws_iam_instance_profile": "name name_prefix path",
        "aws_kms_key": "customer_master_key_spec key_usage multi_region",
        "aws_kms_alias": "name name_prefix",
        "aws_eks_cluster": "name kubernetes_network_config.* outpost_config.*",
        "aws_eks_node_group": "cluster_name node_group_name node_group_name_prefix subnet_ids ami_type "
        "capacity_type instance_types disk_size node_role_arn remote_access.*",
        "aws_dynamodb_table": "name hash_key range_key local_secondary_index.*",
        "aws_elasticache_cluster": "engine cluster_id availability_zone subnet_group_name port "
        "replication_group_id snapshot_arns",
        "aws_elasticache_replication_group": "replication_group_id engine at_rest_encryption_enabled "
        "subnet_group_name kms_key_id",
        "aws_elasticache_subnet_group": "name",
        "aws_elasticache_parameter_group": "name family",
        "aws_instance": "ami subnet_id availability_zone key_name private_ip placement_group tenancy "
        "ebs_block_device.* ephemeral_block_device.* network_interface.*",
        "aws_launch_configuration": "name name_prefix image_id instance_type user_data",
        "aws_autoscaling_group": "name name_prefix",
        "aws_lb": "name name_prefix internal load_balancer_type",
        "aws_alb": "name name_prefix internal load_balancer_type",
        "aws_lb_target_group": "name name_prefix port protocol vpc_id target_type",
        "aws_ecs_cluster": "name",
        "aws_ecs_service": "name cluster launch_type",
        "aws_lambda_function": "function_name",
        "aws_sqs_queue": "name name_prefix fifo_queue",
        "aws_sns_topic": "name name_prefix fifo_topic",
        "aws_route53_zone": "name",
        "aws_route53_record": "name type zone_id",
        "aws_efs_file_system": "creation_token encrypted kms_key_id performance_mode availability_zone_name",
        "aws_cloudwatch_log_group": "name name_prefix",
        "aws_elasticsearch_domain": "domain_name",
        "aws_opensearch_domain": "domain_name",
        "aws_redshift_cluster": "cluster_identifier database_name master_username",
        "aws_msk_cluster": "cluster_name",
        "aws_secretsmanager_secret": "name name_prefix",
        "aws_ecr_repository": "name",
        "aws_ebs_volume": "availability_zone encrypted kms_key_id snapshot_id",
        "google_container_cluster": "name location node_config.* initial_node_count network subnetwork "
        "enable_autopilot ip_allocation_policy.* private_cluster_config.*",
        "google_container_node_pool": "name name_prefix cluster location node_config.* initial_node_count",
        "google_sql_database_instance": "name region master_instance_name",
        "google_compute_instance": "name zone boot_disk.*",
        "google_compute_network": "name auto_create_subnetworks",
        "google_compute_subnetwork": "name network region",
        "google_redis_instance": "name region location_id tier authorized_network connect_mode",
        "google_storage_bucket": "name location project",
        "google_project": "project_id",
        "azurerm_kubernetes_cluster": "name location resource_group_name dns_prefix network_profile.*",
        "azurerm_subnet": "name virtual_network_name resource_group_name",
    },
)

#: CloudFormation properties by resource type; for a type it does not list (or a hunk that does
#: not show the type), names that force replacement wherever they appear
CLOUDFORMATION = _table(
    'the AWS documentation of the property says "Update requires: Replacement"',
    {
        "AWS::S3::Bucket": "BucketName ObjectLockEnabled",
        "AWS::RDS::DBInstance": "DBInstanceIdentifier Engine DBName MasterUsername StorageEncrypted KmsKeyId "
        "DBSubnetGroupName CharacterSetName DBClusterIdentifier SourceDBInstanceIdentifier Timezone "
        "NcharCharacterSetName",
        "AWS::RDS::DBCluster": "DBClusterIdentifier Engine EngineMode DatabaseName MasterUsername "
        "StorageEncrypted KmsKeyId DBSubnetGroupName AvailabilityZones SnapshotIdentifier "
        "SourceDBClusterIdentifier",
        "AWS::RDS::DBSubnetGroup": "DBSubnetGroupName",
        "AWS::RDS::DBParameterGroup": "Family Description DBParameterGroupName",
        "AWS::RDS::DBClusterParameterGroup": "Family Description DBClusterParameterGroupName",
        "AWS::RDS::OptionGroup": "EngineName MajorEngineVersion OptionGroupName OptionGroupDescription",
        "AWS::DynamoDB::Table": "TableName KeySchema LocalSecondaryIndexes",
        "AWS::DynamoDB::GlobalTable": "TableName KeySchema LocalSecondaryIndexes",
        "AWS::EC2::VPC": "CidrBlock InstanceTenancy Ipv4IpamPoolId Ipv4NetmaskLength",
        "AWS::EC2::Subnet": "CidrBlock AvailabilityZone AvailabilityZoneId VpcId OutpostArn Ipv4IpamPoolId",
        "AWS::EC2::SecurityGroup": "GroupName GroupDescription VpcId",
        "AWS::EC2::RouteTable": "VpcId",
        "AWS::EC2::Route": "RouteTableId DestinationCidrBlock DestinationIpv6CidrBlock",
        "AWS::EC2::NatGateway": "SubnetId AllocationId ConnectivityType PrivateIpAddress",
        "AWS::EC2::Instance": "AvailabilityZone ImageId KeyName SubnetId PrivateIpAddress HostId "
        "Tenancy NetworkInterfaces LaunchTemplate",
        "AWS::EC2::Volume": "AvailabilityZone SnapshotId Encrypted KmsKeyId",
        "AWS::EC2::VPCEndpoint": "VpcId ServiceName VpcEndpointType",
        "AWS::EC2::NetworkAclEntry": "NetworkAclId RuleNumber Egress",
        "AWS::EC2::VPCCidrBlock": "VpcId CidrBlock Ipv6CidrBlock",
        "AWS::EC2::TransitGateway": "AmazonSideAsn",
        "AWS::ElastiCache::CacheCluster": "ClusterName Engine CacheSubnetGroupName Port NetworkType",
        "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId CacheSubnetGroupName "
        "AtRestEncryptionEnabled KmsKeyId GlobalReplicationGroupId",
        "AWS::ElastiCache::SubnetGroup": "CacheSubnetGroupName",
        "AWS::EKS::Cluster": "Name RoleArn KubernetesNetworkConfig EncryptionConfig",
        "AWS::EKS::Nodegroup": "NodegroupName ClusterName NodeRole Subnets AmiType InstanceTypes DiskSize "
        "RemoteAccess CapacityType",
        "AWS::ECS::Cluster": "ClusterName",
        "AWS::ECS::Service": "ServiceName Cluster LaunchType Role SchedulingStrategy",
        "AWS::Lambda::Function": "FunctionName",
        "AWS::Serverless::Function": "FunctionName",
        "AWS::Serverless::SimpleTable": "TableName PrimaryKey",
        "AWS::SQS::Queue": "QueueName FifoQueue",
        "AWS::SNS::Topic": "TopicName FifoTopic",
        "AWS::IAM::Role": "RoleName Path",
        "AWS::IAM::ManagedPolicy": "ManagedPolicyName Path Description",
        "AWS::IAM::InstanceProfile": "InstanceProfileName Path",
        "AWS::KMS::Key": "KeySpec KeyUsage",
        "AWS::KMS::Alias": "AliasName",
        "AWS::Kinesis::Stream": "Name",
        "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name Scheme",
        "AWS::ElasticLoadBalancingV2::TargetGroup": "Name Port Protocol VpcId TargetType ProtocolVersion",
        "AWS::OpenSearchService::Domain": "DomainName",
        "AWS::Elasticsearch::Domain": "DomainName",
        "AWS::EFS::FileSystem": "PerformanceMode Encrypted KmsKeyId AvailabilityZoneName",
        "AWS::EFS::MountTarget": "FileSystemId SubnetId IpAddress",
        "AWS::Route53::HostedZone": "Name",
        "AWS::Route53::RecordSet": "Name Type HostedZoneId HostedZoneName",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::ECR::Repository": "RepositoryName",
        "AWS::SecretsManager::Secret": "Name",
        "AWS::StepFunctions::StateMachine": "StateMachineName StateMachineType",
        "AWS::Redshift::Cluster": "ClusterIdentifier DBName MasterUsername ClusterSubnetGroupName",
        "AWS::DocDB::DBCluster": "DBClusterIdentifier MasterUsername StorageEncrypted KmsKeyId "
        "DBSubnetGroupName AvailabilityZones SnapshotIdentifier",
        "AWS::Neptune::DBCluster": "DBClusterIdentifier StorageEncrypted KmsKeyId DBSubnetGroupName "
        "AvailabilityZones SnapshotIdentifier",
        "AWS::MSK::Cluster": "ClusterName EncryptionInfo",
        "AWS::AutoScaling::AutoScalingGroup": "AutoScalingGroupName",
        "AWS::CertificateManager::Certificate": "DomainName SubjectAlternativeNames ValidationMethod",
    },
    unlisted=(
        "BucketName TableName DBInstanceIdentifier DBClusterIdentifier KeySchema "
        "DBSubnetGroupName CacheSubnetGroupName ReplicationGroupId QueueName TopicName "
        "RoleName ManagedPolicyName InstanceProfileName RepositoryName LogGroupName "
        "StateMachineName AliasName FunctionName CidrBlock AvailabilityZone VpcId Engine "
        "EngineMode StorageEncrypted MasterUsername ClusterIdentifier"
    ),
)

#: Kubernetes fields of any kind (paths from the top of the object, a prefix covers what is below)
KUBERNETES = _table(
    "the API server rejects a change of the field in place: the object must be deleted and re-created",
    {},
    unlisted="spec.selector.matchLabels spec.selector.matchExpressions spec.volumeClaimTemplates "
    "spec.serviceName",
)
