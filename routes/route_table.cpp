#include "routes/dis_apps.hpp"
#include "routes/dis_checkpoints.hpp"
#include "routes/dis_records.hpp"
#include "routes/dis_streams.hpp"
#include "routes/dms_instances.hpp"
#include "routes/dms_messages.hpp"
#include "routes/dms_topics.hpp"
#include "routes/emulator_routes.hpp"
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
    r.add("GET", "/v2/{project_id}/instances/{instance_id}", "ShowInstance", dms, dms_show_instance);
    // DMS for Kafka: topics
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/topics", "CreateInstanceTopic", dms, dms_create_topic);
    r.add("GET", "/v2/{project_id}/instances/{instance_id}/topics", "ListInstanceTopics", dms, dms_list_topics);
    r.add("GET", "/v2/{project_id}/kafka/instances/{instance_id}/topics/{topic}/partitions", "ListTopicPartitions",
          dms, dms_list_topic_partitions);
    // DMS for Kafka: messages
    r.add("POST", "/v2/{project_id}/instances/{instance_id}/messages/action", "SendKafkaMessage", dms,
          dms_send_message);
    r.add("GET", partition + "/beginning-message", "ShowPartitionBeginningMessage", dms,
          dms_partition_beginning_message);
    r.add("GET", partition + "/end-message", "ShowPartitionEndMessage", dms, dms_partition_end_message);
    r.add("GET", partition + "/message", "ShowPartitionMessage", dms, dms_partition_message);

    // DIS: streams, records, apps
    r.add("POST", "/v2/{project_id}/streams", "CreateStream", dis, dis_create_stream);
    r.add("GET", "/v2/{project_id}/streams/{stream_name}", "ShowStream", dis, dis_show_stream);
    r.add("POST", "/v2/{project_id}/records", "SendRecords", dis, dis_send_records);
    r.add("POST", "/v2/{project_id}/apps", "CreateApp", dis, dis_create_app);
    // DIS: checkpoints
    r.add("POST", "/v2/{project_id}/checkpoints", "CommitCheckpoint", dis, dis_commit_checkpoint);
    r.add("GET", "/v2/{project_id}/checkpoints", "ShowCheckpoint", dis, dis_show_checkpoint);
    r.add("DELETE", "/v2/{project_id}/checkpoints", "DeleteCheckpoint", dis, dis_delete_checkpoint);

    // The emulator's own control plane (no cloud credentials)
    r.add("GET", "/_emulator/ready", "EmulatorReady", service::gateway, emulator_ready);
    return r;
}

}  // namespace emu::routes
