#include "routes/control/health.hpp"
#include "routes/control/observe.hpp"
#include "routes/control/state_routes.hpp"
#include "routes/dis/apps.hpp"
#include "routes/dis/checkpoints.hpp"
#include "routes/dis/groups.hpp"
#include "routes/dis/metrics.hpp"
#include "routes/dis/records.hpp"
#include "routes/dis/streams.hpp"
#include "routes/dis/tags.hpp"
#include "routes/dis/transfer_tasks.hpp"
#include "routes/dis/unmodelled.hpp"
#include "routes/dms/cluster.hpp"
#include "routes/dms/configs.hpp"
#include "routes/dms/groups.hpp"
#include "routes/dms/instances.hpp"
#include "routes/dms/messages.hpp"
#include "routes/dms/topics.hpp"
#include "routes/pipeline.hpp"

namespace emu::routes {

// The one table of cloud-API routes: method, path template, SDK operation, error family, handler.
// `{engine}` in the reference's templates is always the literal `kafka` here.
pipeline make_pipeline() {
    pipeline r;
    constexpr auto dms_api = service::dms;
    constexpr auto dis_api = service::dis;
    const std::string topic_messages =
        "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/messages";
    const std::string partition =
        "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}/partitions/{partition}";

    // DMS for Kafka: message deletion
    r.add("POST", topic_messages + "/delete", "DeleteKafkaTopicMessages", dms_api,
          dms::delete_kafka_topic_messages);
    r.add("DELETE", topic_messages, "DeleteKafkaMessage", dms_api, dms::delete_kafka_message);
    // DMS for Kafka: instances
    r.add("POST", "/v2/{project_id}/kafka/instances", "CreatePostPaidKafkaInstance", dms_api,
          dms::create_post_paid_kafka_instance);
    r.add("POST", "/v2/kafka/{project_id}/instances", "CreateInstanceByEngine", dms_api,
          dms::create_instance_by_engine);
    r.add("GET", "/v2/{project_id}/instances", "ListInstances", dms_api, dms::list_instances);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}", "ShowInstance", dms_api, dms::show_instance);
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/autotopic", "UpdateInstanceAutoCreateTopic",
          dms_api, dms::update_instance_auto_create_topic);
    r.add("DELETE", "/v2/{project_id}/instances/{instance_id}", "DeleteInstance", dms_api,
          dms::delete_instance);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/configs", "ShowInstanceConfigs", dms_api,
          dms::show_instance_configs);
    r.add("PUT", "/v2/{project_id}/instances/{instance_id}/configs", "ModifyInstanceConfigs", dms_api,
          dms::modify_instance_configs);
    // DMS for Kafka: the cluster behind an instance (its brokers, producers, disk usage)
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/cluster", "ShowCluster", dms_api,
          dms::show_cluster);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/manage/cluster", "ShowKafkaCluster", dms_api,
          dms::show_kafka_cluster);
    r.add("GET", "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/producers",
          "ListTopicProducers", dms_api, dms::list_topic_producers);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/topics/diskusage",
          "ShowKafkaTopicPartitionDiskusage", dms_api, dms::show_kafka_topic_partition_diskusage);
    // DMS for Kafka: topics
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/topics", "CreateInstanceTopic", dms_api,
          dms::create_instance_topic);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/topics", "ListInstanceTopics", dms_api,
          dms::list_instance_topics);
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/topics/delete", "BatchDeleteInstanceTopic",
          dms_api, dms::batch_delete_instance_topic);
    r.add("PUT", "/v2/{project_id}/instances/{instance_id}/topics", "UpdateInstanceTopic", dms_api,
          dms::update_instance_topic);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}",
          "ShowInstanceTopicDetail", dms_api, dms::show_instance_topic_detail);
    r.add("GET", "/v2/kafka/{project_id}/instances/{instance_id}/topics-detail/{topic}",
          "ShowKafkaTopicDetail", dms_api, dms::show_kafka_topic_detail);
    r.add("GET", "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/partitions",
          "ListTopicPartitions", dms_api, dms::list_topic_partitions);
    r.add("POST",
          "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}/partitions-reassignment",
          "CreatePartition", dms_api, dms::create_partition);
    // DMS for Kafka: messages
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/messages/action", "SendKafkaMessage", dms_api,
          dms::send_kafka_message);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/messages", "ShowInstanceMessages", dms_api,
          dms::show_instance_messages);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}/messages",
          "ShowMessages", dms_api, dms::show_messages);
    r.add("GET", partition + "/beginning-message", "ShowPartitionBeginningMessage", dms_api,
          dms::show_partition_beginning_message);
    r.add("GET", partition + "/end-message", "ShowPartitionEndMessage", dms_api,
          dms::show_partition_end_message);
    r.add("GET", partition + "/message", "ShowPartitionMessage", dms_api, dms::show_partition_message);
    // DMS for Kafka: consumer groups
    const std::string groups = "/v2/{project_id}/instances/{instance_id}/groups";
    const std::string engine_group = "/v2/kafka/{project_id}/instances/{instance_id}/groups/{group}";
    r.add("GET", groups, "ListInstanceConsumerGroups", dms_api, dms::list_instance_consumer_groups);
    r.add("GET", groups + "/{group}", "ShowGroup", dms_api, dms::show_group);
    r.add("GET", engine_group, "ListInstanceConsumerGroup", dms_api, dms::list_instance_consumer_group);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/groups/{group}", "ShowGroups", dms_api,
          dms::show_groups);
    r.add("POST", "/v2/{project_id}/kafka/instances/{instance_id}/group", "CreateKafkaConsumerGroup", dms_api,
          dms::create_kafka_consumer_group);
    r.add("PUT", engine_group, "UpdateInstanceConsumerGroup", dms_api, dms::update_instance_consumer_group);
    r.add("DELETE", groups + "/{group}", "DeleteGroup", dms_api, dms::delete_group);
    r.add("DELETE", engine_group, "DeleteInstanceConsumerGroup", dms_api,
          dms::delete_instance_consumer_group);
    r.add("POST", groups + "/batch-delete", "BatchDeleteGroup", dms_api, dms::batch_delete_group);
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/management/groups/{group}/reset-message-offset",
          "ResetMessageOffset", dms_api, dms::reset_message_offset);
    r.add("PUT", engine_group + "/reset-message-offset", "ResetMessageOffsetWithEngine", dms_api,
          dms::reset_message_offset_with_engine);
    r.add("GET", engine_group + "/message-offset", "ListInstanceConsumerGroupMessageOffset", dms_api,
          dms::list_instance_consumer_group_message_offset);
    r.add("GET", engine_group + "/topics", "ListInstanceConsumerGroupTopics", dms_api,
          dms::list_instance_consumer_group_topics);
    r.add("GET", engine_group + "/members", "ListInstanceConsumerGroupMembers", dms_api,
          dms::list_instance_consumer_group_members);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/coordinators", "ShowCoordinators",
          dms_api, dms::show_coordinators);

    // DIS: streams
    r.add("POST", "/v2/{project_id}/streams", "CreateStream", dis_api, dis::create_stream);
    r.add("GET", "/v2/{project_id}/streams", "ListStreams", dis_api, dis::list_streams);
    r.add("GET", "/v2/{project_id}/streams/{stream_name}", "ShowStream", dis_api, dis::show_stream);
    r.add("DELETE", "/v2/{project_id}/streams/{stream_name}", "DeleteStream", dis_api, dis::delete_stream);
    r.add("PUT", "/v2/{project_id}/streams/{stream_name}", "UpdatePartitionCount", dis_api,
          dis::update_partition_count);
    r.add("PUT", "/v2/{project_id}/streams/{stream_name}/update", "UpdateStream", dis_api,
          dis::update_stream_v2);
    r.add("PUT", "/v3/{project_id}/streams/{stream_name}", "UpdateStream", dis_api, dis::update_stream_v3);
    r.add("GET", "/v2/{project_id}/streams/{stream_name}/policies", "ListPolicies", dis_api,
          dis::list_policies);
    // DIS: monitoring, counted from the traffic the emulator served
    r.add("GET", "/v2/{project_id}/streams/{stream_name}/metrics", "ShowStreamMetrics", dis_api,
          dis::show_stream_metrics);
    r.add("GET", "/v2/{project_id}/streams/{stream_name}/partitions/{partition_id}/metrics",
          "ShowPartitionMetrics", dis_api, dis::show_partition_metrics);
    // DIS: tags (BatchCreateTags and BatchDeleteTags share one route; the body's action chooses)
    const std::string stream_tags = "/v2/{project_id}/stream/{stream_id}/tags";
    r.add("POST", stream_tags, "CreateTag", dis_api, dis::create_tag);
    r.add("POST", stream_tags + "/action", "BatchTags", dis_api, dis::batch_tags);
    r.add("DELETE", stream_tags + "/{key}", "DeleteTag", dis_api, dis::delete_tag);
    r.add("GET", stream_tags, "ShowStreamTags", dis_api, dis::show_stream_tags);
    r.add("GET", "/v2/{project_id}/stream/tags", "ListTags", dis_api, dis::list_tags);
    r.add("POST", "/v2/{project_id}/stream/resource_instances/action", "ListResourcesByTags", dis_api,
          dis::list_resources_by_tags);
    // DIS: records and cursors
    r.add("POST", "/v2/{project_id}/records", "SendRecords", dis_api, dis::send_records);
    r.add("GET", "/v2/{project_id}/cursors", "ShowCursor", dis_api, dis::show_cursor);
    r.add("GET", "/v2/{project_id}/records", "ConsumeRecords", dis_api, dis::consume_records);
    // DIS's native SDKs send and read these two in protobuf too (Content-Type: application/x-protobuf).
    r.accept_protobuf("SendRecords");
    r.accept_protobuf("ConsumeRecords");
    // DIS: apps
    r.add("POST", "/v2/{project_id}/apps", "CreateApp", dis_api, dis::create_app);
    r.add("GET", "/v2/{project_id}/apps", "ListApp", dis_api, dis::list_app);
    r.add("GET", "/v2/{project_id}/apps/{app_name}", "ShowApp", dis_api, dis::show_app);
    r.add("DELETE", "/v2/{project_id}/apps/{app_name}", "DeleteApp", dis_api, dis::delete_app);
    r.add("GET", "/v2/{project_id}/apps/{app_name}/streams/{stream_name}", "ShowConsumerState", dis_api,
          dis::show_consumer_state);
    // DIS: the Kafka adapter's group coordination (the app is the group)
    const std::string consumers = "/v2/{project_id}/apps/{app_name}/consumers";
    r.add("POST", consumers, "JoinGroup", dis_api, dis::join_group);
    r.add("POST", consumers + "/{client_id}/heartbeats", "Heartbeat", dis_api, dis::group_heartbeat);
    r.add("POST", consumers + "/{client_id}/partitions", "SyncGroup", dis_api, dis::sync_group);
    r.add("DELETE", consumers + "/{client_id}", "LeaveGroup", dis_api, dis::leave_group);
    // DIS: checkpoints
    r.add("POST", "/v2/{project_id}/checkpoints", "CommitCheckpoint", dis_api, dis::commit_checkpoint);
    r.add("GET", "/v2/{project_id}/checkpoints", "ShowCheckpoint", dis_api, dis::show_checkpoint);
    r.add("DELETE", "/v2/{project_id}/checkpoints", "DeleteCheckpoint", dis_api, dis::delete_checkpoint);
    // DIS: transfer tasks, configuration and state only (no data leaves the emulator); the Python SDK
    // creates and shows them under a singular /stream/
    const std::string tasks = "/v2/{project_id}/streams/{stream_name}/transfer-tasks";
    const std::string python_tasks = "/v2/{project_id}/stream/{stream_name}/transfer-tasks";
    r.add("POST", tasks, "CreateTransferTask", dis_api, dis::create_transfer_task);
    r.add("GET", tasks, "ListTransferTasks", dis_api, dis::list_transfer_tasks);
    r.add("PUT", tasks, "UpdateTransferTask", dis_api, dis::update_transfer_task);
    r.add("GET", tasks + "/{task_name}", "ShowTransferTask", dis_api, dis::show_transfer_task);
    r.add("DELETE", tasks + "/{task_name}", "DeleteTransferTask", dis_api, dis::delete_transfer_task);
    r.add("POST", tasks + "/action", "BatchTransferTask", dis_api, dis::batch_transfer_task);
    r.add("POST", python_tasks, "CreateTransferTask", dis_api, dis::create_transfer_task);
    r.add("GET", python_tasks + "/{task_name}", "ShowTransferTask", dis_api, dis::show_transfer_task);
    // DIS: what a native SDK calls and the emulator does not model (a DIS.4200 naming the operation)
    r.add("GET", "/v2/{project_id}/files/{deliver_data_id}/state", "ShowFileUploadState", dis_api,
          dis::file_state_not_emulated);

    // The emulator's own control plane (no cloud credentials)
    r.add_control("GET", "/_emulator/ready", "EmulatorReady", control::emulator_ready, route_auth::none);
    // State: health, reset, snapshots in the fixture format
    r.add_control("GET", "/_emulator/health", "EmulatorHealth", control::emulator_health, route_auth::none);
    r.add_control("POST", "/_emulator/reset", "EmulatorReset", control::emulator_reset);
    r.add_control("GET", "/_emulator/state", "ExportState", control::export_state);
    r.add_control("PUT", "/_emulator/state", "ReplaceState", control::replace_state);
    r.add_control("POST", "/_emulator/state", "MergeState", control::merge_state);
    // Observing and steering: request journal, fault injection, metrics, the control plane's own API document
    r.add_control("GET", "/_emulator/requests", "ListRequests", control::list_requests);
    r.add_control("DELETE", "/_emulator/requests", "ClearRequests", control::clear_requests);
    r.add_control("GET", "/_emulator/faults", "ListFaults", control::list_faults);
    r.add_control("POST", "/_emulator/faults", "AddFault", control::add_fault);
    r.add_control("DELETE", "/_emulator/faults", "ClearFaults", control::clear_faults);
    r.add_control("DELETE", "/_emulator/faults/{id}", "DeleteFault", control::delete_fault);
    r.add_control("GET", "/_emulator/metrics", "EmulatorMetrics", control::emulator_metrics);
    r.add_control("GET", "/_emulator/openapi.json", "EmulatorOpenApi", control::emulator_open_api);
    // What the state holds, as gauges beside the request metrics (the same counts as the health answer).
    r.control().metrics.set_state_gauges([](state::state& st) {
        const auto counts = st.counts();
        const auto n = [](std::int64_t value) { return static_cast<std::uint64_t>(value); };
        return std::vector<control::state_gauge>{
            {"projects", n(counts.projects)},   {"instances", n(counts.kafka.instances)},
            {"topics", n(counts.kafka.topics)}, {"messages", n(counts.kafka.messages)},
            {"streams", n(counts.dis.streams)}, {"records", n(counts.dis.records)},
            {"apps", n(counts.dis.apps)},       {"checkpoints", n(counts.dis.checkpoints)}};
    });
    return r;
}

}  // namespace emu::routes
