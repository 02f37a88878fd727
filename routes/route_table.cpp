#include "routes/dis_apps.hpp"
#include "routes/dis_checkpoints.hpp"
#include "routes/dis_records.hpp"
#include "routes/dis_streams.hpp"
#include "routes/dms_groups.hpp"
#include "routes/dms_instances.hpp"
#include "routes/dms_messages.hpp"
#include "routes/dms_topics.hpp"
#include "routes/emulator_observe.hpp"
#include "routes/emulator_routes.hpp"
#include "routes/emulator_state.hpp"
#include "routes/router.hpp"

namespace emu::routes {

// The one table of cloud-API routes: method, path template, SDK operation, error family, handler.
// `{engine}` in the reference's templates is always the literal `kafka` here.
router make_router() {
    router r;
    constexpr auto dms = service::dms;
    constexpr auto dis = service::dis;
    const std::string topic_messages = "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/messages";
    const std::string partition = "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}/partitions/{partition}";

    // DMS for Kafka: message deletion
    r.add("POST", topic_messages + "/delete", "DeleteKafkaTopicMessages", dms, dms_delete_topic_messages);
    r.add("DELETE", topic_messages, "DeleteKafkaMessage", dms, dms_delete_topic_messages);
    // DMS for Kafka: instances
    r.add("POST", "/v2/{project_id}/kafka/instances", "CreatePostPaidKafkaInstance", dms, dms_create_instance);
    r.add("POST", "/v2/kafka/{project_id}/instances", "CreateInstanceByEngine", dms, dms_create_instance);
    r.add("GET", "/v2/{project_id}/instances", "ListInstances", dms, dms_list_instances);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}", "ShowInstance", dms, dms_show_instance);
    r.add("DELETE", "/v2/{project_id}/instances/{instance_id}", "DeleteInstance", dms, dms_delete_instance);
    // DMS for Kafka: topics
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/topics", "CreateInstanceTopic", dms, dms_create_topic);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/topics", "ListInstanceTopics", dms, dms_list_topics);
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/topics/delete", "BatchDeleteInstanceTopic", dms,
          dms_batch_delete_topics);
    r.add("PUT", "/v2/{project_id}/instances/{instance_id}/topics", "UpdateInstanceTopic", dms, dms_update_topics);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}", "ShowInstanceTopicDetail", dms,
          dms_show_topic_management);
    r.add("GET", "/v2/kafka/{project_id}/instances/{instance_id}/topics-detail/{topic}", "ShowKafkaTopicDetail", dms,
          dms_show_topic_detail);
    r.add("GET", "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/partitions", "ListTopicPartitions",
          dms, dms_list_topic_partitions);
    // DMS for Kafka: messages
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/messages/action", "SendKafkaMessage", dms,
          dms_send_message);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/messages", "ShowInstanceMessages", dms,
          dms_show_instance_messages);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/topics/{topic}/messages", "ShowMessages", dms,
          dms_show_messages);
    r.add("GET", partition + "/beginning-message", "ShowPartitionBeginningMessage", dms,
          dms_partition_beginning_message);
    r.add("GET", partition + "/end-message", "ShowPartitionEndMessage", dms, dms_partition_end_message);
    r.add("GET", partition + "/message", "ShowPartitionMessage", dms, dms_partition_message);
    // DMS for Kafka: consumer groups
    const std::string groups = "/v2/{project_id}/instances/{instance_id}/groups";
    const std::string engine_group = "/v2/kafka/{project_id}/instances/{instance_id}/groups/{group}";
    r.add("GET", groups, "ListInstanceConsumerGroups", dms, dms_list_groups);
    r.add("GET", groups + "/{group}", "ShowGroup", dms, dms_show_group);
    r.add("GET", engine_group, "ListInstanceConsumerGroup", dms, dms_show_group_by_engine);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/management/groups/{group}", "ShowGroups", dms,
          dms_show_group_management);
    r.add("POST", "/v2/{project_id}/kafka/instances/{instance_id}/group", "CreateKafkaConsumerGroup", dms,
          dms_create_group);
    r.add("PUT", engine_group, "UpdateInstanceConsumerGroup", dms, dms_update_group);
    r.add("DELETE", groups + "/{group}", "DeleteGroup", dms, dms_delete_group);
    r.add("DELETE", engine_group, "DeleteInstanceConsumerGroup", dms, dms_delete_group_by_engine);
    r.add("POST", groups + "/batch-delete", "BatchDeleteGroup", dms, dms_batch_delete_groups);
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/management/groups/{group}/reset-message-offset",
          "ResetMessageOffset", dms, dms_reset_group_offsets);
    r.add("PUT", engine_group + "/reset-message-offset", "ResetMessageOffsetWithEngine", dms,
          dms_reset_group_offsets);
    r.add("GET", engine_group + "/message-offset", "ListInstanceConsumerGroupMessageOffset", dms,
          dms_group_message_offsets);
    r.add("GET", engine_group + "/topics", "ListInstanceConsumerGroupTopics", dms, dms_group_topics);
    r.add("GET", engine_group + "/members", "ListInstanceConsumerGroupMembers", dms, dms_group_members);

    // DIS: streams
    r.add("POST", "/v2/{project_id}/streams", "CreateStream", dis, dis_create_stream);
    r.add("GET", "/v2/{project_id}/streams", "ListStreams", dis, dis_list_streams);
    r.add("GET", "/v2/{project_id}/streams/{stream_name}", "ShowStream", dis, dis_show_stream);
    r.add("DELETE", "/v2/{project_id}/streams/{stream_name}", "DeleteStream", dis, dis_delete_stream);
    r.add("PUT", "/v2/{project_id}/streams/{stream_name}", "UpdatePartitionCount", dis, dis_update_partition_count);
    // DIS: records and cursors
    r.add("POST", "/v2/{project_id}/records", "SendRecords", dis, dis_send_records);
    r.add("GET", "/v2/{project_id}/cursors", "ShowCursor", dis, dis_show_cursor);
    r.add("GET", "/v2/{project_id}/records", "ConsumeRecords", dis, dis_consume_records);
    // DIS: apps
    r.add("POST", "/v2/{project_id}/apps", "CreateApp", dis, dis_create_app);
    r.add("GET", "/v2/{project_id}/apps", "ListApp", dis, dis_list_apps);
    r.add("GET", "/v2/{project_id}/apps/{app_name}", "ShowApp", dis, dis_show_app);
    r.add("DELETE", "/v2/{project_id}/apps/{app_name}", "DeleteApp", dis, dis_delete_app);
    r.add("GET", "/v2/{project_id}/apps/{app_name}/streams/{stream_name}", "ShowConsumerState", dis,
          dis_show_consumer_state);
    // DIS: checkpoints
    r.add("POST", "/v2/{project_id}/checkpoints", "CommitCheckpoint", dis, dis_commit_checkpoint);
    r.add("GET", "/v2/{project_id}/checkpoints", "ShowCheckpoint", dis, dis_show_checkpoint);
    r.add("DELETE", "/v2/{project_id}/checkpoints", "DeleteCheckpoint", dis, dis_delete_checkpoint);

    // The emulator's own control plane (no cloud credentials)
    r.add_control("GET", "/_emulator/ready", "EmulatorReady", emulator_ready);
    // State: health, reset, snapshots in the fixture format
    r.add_control("GET", "/_emulator/health", "EmulatorHealth", emulator_health);
    r.add_control("POST", "/_emulator/reset", "EmulatorReset", emulator_reset);
    r.add_control("GET", "/_emulator/state", "ExportState", export_state);
    r.add_control("PUT", "/_emulator/state", "ReplaceState", replace_state);
    r.add_control("POST", "/_emulator/state", "MergeState", merge_state);
    // Observing and steering: request journal, fault injection, metrics, the control plane's own API document
    r.add_control("GET", "/_emulator/requests", "ListRequests", list_requests);
    r.add_control("DELETE", "/_emulator/requests", "ClearRequests", clear_requests);
    r.add_control("GET", "/_emulator/faults", "ListFaults", list_faults);
    r.add_control("POST", "/_emulator/faults", "AddFault", add_fault);
    r.add_control("DELETE", "/_emulator/faults", "ClearFaults", clear_faults);
    r.add_control("DELETE", "/_emulator/faults/{id}", "DeleteFault", delete_fault);
    r.add_control("GET", "/_emulator/metrics", "EmulatorMetrics", emulator_metrics);
    r.add_control("GET", "/_emulator/openapi.json", "EmulatorOpenApi", emulator_openapi);
    // What the state holds, as gauges beside the request metrics (the same counts as the health answer).
    r.control().metrics.set_state_gauges([](state::state& st) {
        const auto counts = st.counts();
        const auto n = [](std::int64_t value) { return static_cast<std::uint64_t>(value); };
        return std::vector<state_gauge>{{"projects", n(counts.projects)},       {"instances", n(counts.kafka.instances)},
                                        {"topics", n(counts.kafka.topics)},     {"messages", n(counts.kafka.messages)},
                                        {"streams", n(counts.dis.streams)},     {"records", n(counts.dis.records)},
                                        {"apps", n(counts.dis.apps)},           {"checkpoints", n(counts.dis.checkpoints)}};
    });
    return r;
}

}  // namespace emu::routes
