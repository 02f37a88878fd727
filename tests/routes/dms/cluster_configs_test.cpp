// The DMS operations about the cluster behind an instance: ShowCluster, ShowKafkaCluster,
// ListTopicProducers, ShowKafkaTopicPartitionDiskusage, CreatePartition, ShowInstanceConfigs and
// ModifyInstanceConfigs. Each good answer field by field; each bad input in DMS's words, changing nothing.
#include <gtest/gtest.h>

#include <string>

#include "kafka/protocol/record_batch.hpp"
#include "tests/support/dms_client.hpp"

namespace emu::test {
namespace {

const std::string not_allowed = "This operation is not allowed due to the instance status.";

std::string configs_json(const std::string& auto_topic, const std::string& replication,
                         const std::string& retention, const std::string& partitions) {
    return R"({"kafka_configs":[
      {"name":"auto.create.topics.enable","valid_values":"true,false","default_value":"false",
       "config_type":"static","value":")" +
           auto_topic + R"(","value_type":"enum"},
      {"name":"default.replication.factor","valid_values":"1~3","default_value":"3",
       "config_type":"static","value":")" +
           replication + R"(","value_type":"integer"},
      {"name":"log.retention.hours","valid_values":"1~168","default_value":"72",
       "config_type":"static","value":")" +
           retention + R"(","value_type":"integer"},
      {"name":"num.partitions","valid_values":"1~200","default_value":"3",
       "config_type":"static","value":")" +
           partitions + R"(","value_type":"integer"}]})";
}

class dms_cluster : public ::testing::Test {
  protected:
    void SetUp() override {
        server_.clock().now_ms = t0;
        instance_ = create_instance(server_);
        address_ = server_.state().kafka.get_instance(project_id, instance_).address;
    }

    std::string broker(int node) const {
        return address_.host + ":" + std::to_string(address_.port_of(node));
    }
    std::string configs_path() const { return instance_path(instance_) + "/configs"; }
    std::string producers_path(const std::string& topic, const std::string& query = "") const {
        return dms + "/kafka/instances/" + instance_ + "/topics/" + topic + "/producers" + query;
    }
    std::string diskusage_path(const std::string& query = "") const {
        return instance_path(instance_) + "/topics/diskusage" + query;
    }
    std::string reassignment_path(const std::string& topic) const {
        return instance_path(instance_) + "/management/topics/" + topic + "/partitions-reassignment";
    }
    std::string configs() const { return server_.request("GET", configs_path()).body; }
    std::string topics() const { return server_.request("GET", topics_path(instance_)).body; }
    // A busy instance beside the running one, for the RUNNING rule.
    std::string busy_instance() {
        state::instance_spec spec;
        spec.name = "busy-kafka";
        spec.status = "RESTARTING";
        return server_.state().kafka.create_instance(project_id, spec).spec.instance_id;
    }

    test_server server_;
    std::string instance_;
    state::broker_address address_;
};

// ==== ShowCluster / ShowKafkaCluster =================================================================

TEST_F(dms_cluster, show_cluster_lists_the_brokers_the_listeners_advertise_and_counts_topics) {
    create_topic(server_, instance_, "orders", 3);
    ASSERT_EQ(
        server_.request("POST", topics_path(instance_), R"({"id":"single","partition":2,"replication":1})")
            .status,
        200U);
    create_group(server_, instance_, "billing");
    std::string brokers;
    for (int node = 0; node < 3; ++node) {
        brokers += std::string(node == 0 ? "" : ",") + R"({"host":")" + address_.host + R"(","port":)" +
                   std::to_string(address_.port_of(node)) + R"(,"broker_id":")" + std::to_string(node) +
                   R"(","is_controller":)" + (node == 0 ? "true" : "false") +
                   R"(,"version":"3.x","register_time":)" + std::to_string(t0) + R"(,"is_health":true})";
    }
    // 3 + 2 partitions; 3 * 3 + 2 * 1 replicas, all in sync.
    expect_json(server_.request("GET", instance_path(instance_) + "/management/cluster"), 200,
                R"({"cluster":{"controller":"0","brokers":[)" + brokers +
                    R"(],"topics_count":2,"partitions_count":5,"online_partitions_count":5,)"
                    R"("replicas_count":11,"isr_replicas_count":11,"consumers_count":1}})");
    // The brokers' ports are the listener's own, one per broker.
    EXPECT_NE(address_.port_of(0), address_.port_of(1));
}

TEST_F(dms_cluster, show_kafka_cluster_lists_each_broker_with_its_port) {
    std::string brokers;
    for (int node = 0; node < 3; ++node) {
        brokers += std::string(node == 0 ? "" : ",") + R"({"health":true,"host":")" + address_.host +
                   R"(","port":)" + std::to_string(address_.port_of(node)) + R"(,"broker_id":")" +
                   std::to_string(node) + R"("})";
    }
    expect_json(server_.request("GET", instance_path(instance_) + "/manage/cluster"), 200,
                R"({"cluster":{"brokers":[)" + brokers + "]}}");
}

TEST_F(dms_cluster, cluster_views_of_an_unknown_or_malformed_instance_are_refused) {
    for (const std::string view :
         {"/management/cluster", "/manage/cluster", "/configs", "/topics/diskusage"}) {
        expect_dms_error(server_.request("GET", instance_path(unknown_instance) + view), 404, "DMS.00404022",
                         no_instance);
        expect_dms_error(server_.request("GET", instance_path("not-a-uuid") + view), 400, "DMS.00400030",
                         "Invalid DMS instance id. The id must be a uuid.");
    }
}

// ==== ListTopicProducers =============================================================================

TEST_F(dms_cluster, list_topic_producers_shows_each_client_once_oldest_first_with_paging) {
    create_topic(server_, instance_, "orders", 3);
    create_topic(server_, instance_, "other", 1);
    expect_json(server_.request("GET", producers_path("orders")), 200, R"({"total":0,"producers":[]})");

    auto& registry = *server_.state().kafka.producers(project_id, instance_);
    const auto port1 = address_.port_of(1);
    const auto port2 = address_.port_of(2);
    registry.record({"orders", 1, "10.0.0.7:40001", "app-a", port1}, t0 + 10);
    registry.record({"orders", 2, "10.0.0.8:40002", "app-b", port2}, t0 + 20);
    registry.record({"orders", 0, "10.0.0.7:40001", "app-a", port1}, t0 + 30);  // same client, same row
    registry.record({"other", 0, "10.0.0.9:40003", "app-c", port1}, t0 + 40);   // another topic
    server_.clock().now_ms = t0 + 50;

    const auto a = R"({"producer_address":"10.0.0.7:40001","broker_address":")" + broker(1) +
                   R"(","join_time":)" + std::to_string(t0 + 10) + "}";
    const auto b = R"({"producer_address":"10.0.0.8:40002","broker_address":")" + broker(2) +
                   R"(","join_time":)" + std::to_string(t0 + 20) + "}";
    expect_json(server_.request("GET", producers_path("orders")), 200,
                R"({"total":2,"producers":[)" + a + "," + b + "]}");
    expect_json(server_.request("GET", producers_path("orders", "?offset=1&limit=1")), 200,
                R"({"total":2,"producers":[)" + b + "]}");
    expect_json(server_.request("GET", producers_path("orders", "?offset=5")), 200,
                R"({"total":2,"producers":[]})");

    // Ten minutes without a produce and a client is forgotten; the other one produced since.
    registry.record({"orders", 2, "10.0.0.8:40002", "app-b", port2}, t0 + 5 * 60 * 1000);
    server_.clock().now_ms = t0 + 10 * 60 * 1000 + 31;
    expect_json(server_.request("GET", producers_path("orders")), 200,
                R"({"total":1,"producers":[)" + b + "]}");
}

TEST_F(dms_cluster, list_topic_producers_refuses_bad_paging_and_unknown_topics) {
    create_topic(server_, instance_, "orders", 1);
    expect_invalid_parameter(server_.request("GET", producers_path("orders", "?limit=0")), "limit");
    expect_invalid_parameter(server_.request("GET", producers_path("orders", "?limit=51")), "limit");
    expect_invalid_parameter(server_.request("GET", producers_path("orders", "?offset=-1")), "offset");
    expect_invalid_parameter(server_.request("GET", producers_path("orders", "?offset=x")), "offset");
    expect_dms_error(server_.request("GET", producers_path("missing")), 400, "DMS.00400062", invalid_topic);
    expect_dms_error(
        server_.request("GET", dms + "/kafka/instances/" + unknown_instance + "/topics/orders/producers"),
        404, "DMS.00404022", no_instance);
}

// ==== ShowKafkaTopicPartitionDiskusage ===============================================================

TEST_F(dms_cluster, diskusage_places_each_partitions_bytes_on_the_brokers_of_its_replicas) {
    ASSERT_EQ(
        server_.request("POST", topics_path(instance_), R"({"id":"orders","partition":2,"replication":2})")
            .status,
        200U);
    send(server_, instance_, "orders", std::string(3000, 'a'), 0);  // on brokers 0 and 1
    send(server_, instance_, "orders", std::string(500, 'b'), 1);   // on brokers 1 and 2
    // A partition's bytes are those of the record batches it keeps: each message is one batch.
    const auto stored = [](std::size_t value_bytes) {
        std::vector<kafka::protocol::record> records(1);
        records[0].value = std::string(value_bytes, 'v');
        return static_cast<std::int64_t>(kafka::protocol::encode_batch({}, records).size());
    };
    const std::string small = std::to_string(stored(500)) + "B";
    ASSERT_EQ(stored(3000) / 1024, 2);
    ASSERT_EQ((stored(3000) + stored(500)) / 1024, 3);
    // 300 GB over three brokers: 100G each.
    const std::int64_t disk = 100LL * 1024 * 1024 * 1024;
    const auto pct = [&](std::int64_t bytes) {
        return static_cast<double>(bytes) * 100.0 / static_cast<double>(disk);
    };
    const auto broker_json = [&](int node, const std::string& use, const std::string& topics) {
        return R"({"broker_name":"broker-)" + std::to_string(node) +
               R"(","data_disk_size":"100G","data_disk_use":")" + use +
               R"(","data_disk_free":"99G","data_disk_use_percentage":"0","status":"Success get info",)"
               R"("topic_list":[)" +
               topics + "]}";
    };
    const auto p0 = R"({"size":"2K","topic_name":"orders","topic_partition":"0","percentage":)" +
                    to_json(rapidjson::Value(pct(stored(3000)))) + "}";
    const auto p1 = R"({"size":")" + small +
                    R"(","topic_name":"orders","topic_partition":"1","percentage":)" +
                    to_json(rapidjson::Value(pct(stored(500)))) + "}";
    // top 5: every replica, largest first.
    expect_json(server_.request("GET", diskusage_path("?top=5")), 200,
                R"({"broker_list":[)" + broker_json(0, "2K", p0) + "," + broker_json(1, "3K", p0 + "," + p1) +
                    "," + broker_json(2, small, p1) + "]}");
    // top 1: the largest replica of each broker.
    expect_json(server_.request("GET", diskusage_path("?top=1")), 200,
                R"({"broker_list":[)" + broker_json(0, "2K", p0) + "," + broker_json(1, "3K", p0) + "," +
                    broker_json(2, small, p1) + "]}");
    // minSize 1K: the small partition is left out; the broker totals stay.
    expect_json(server_.request("GET", diskusage_path("?minSize=1K")), 200,
                R"({"broker_list":[)" + broker_json(0, "2K", p0) + "," + broker_json(1, "3K", p0) + "," +
                    broker_json(2, small, "") + "]}");
    // No filter is minSize 1G; percentage 1 (1G of 100G) likewise leaves these small partitions out.
    const auto nothing_listed = R"({"broker_list":[)" + broker_json(0, "2K", "") + "," +
                                broker_json(1, "3K", "") + "," + broker_json(2, small, "") + "]}";
    expect_json(server_.request("GET", diskusage_path()), 200, nothing_listed);
    expect_json(server_.request("GET", diskusage_path("?percentage=1")), 200, nothing_listed);
}

TEST_F(dms_cluster, diskusage_refuses_filters_out_of_range) {
    for (const std::string bad : {"0K", "10001M", "1T", "K", "-1G", "1.5G", "01G", "1g"}) {
        expect_invalid_parameter(server_.request("GET", diskusage_path("?minSize=" + bad)), "minSize");
    }
    for (const std::string bad : {"0", "1001", "x"}) {
        expect_invalid_parameter(server_.request("GET", diskusage_path("?top=" + bad)), "top");
    }
    for (const std::string bad : {"0", "101", "5%"}) {
        expect_invalid_parameter(server_.request("GET", diskusage_path("?percentage=" + bad)), "percentage");
    }
}

// ==== CreatePartition ================================================================================

TEST_F(dms_cluster, create_partition_grows_the_topic_to_the_new_total) {
    create_topic(server_, instance_, "orders", 3);
    expect_empty(server_.request("POST", reassignment_path("orders"), R"({"partition":5})"), 204);
    const auto partitions = server_.request("GET", partitions_path(instance_, "orders"));
    EXPECT_NE(partitions.body.find(R"("total":5)"), std::string::npos) << partitions.body;
    EXPECT_NE(topics().find(R"("remain_partitions":295)"), std::string::npos) << topics();
}

TEST_F(dms_cluster, create_partition_refuses_what_update_refuses_and_changes_nothing) {
    create_topic(server_, instance_, "orders", 3);
    const auto before = topics();
    const std::string range = "The number of partitions in a topic must be within the range of 1-200.";
    for (const std::string body :
         {R"({"partition":3})", R"({"partition":2})", R"({"partition":0})", R"({"partition":201})"}) {
        expect_dms_error(server_.request("POST", reassignment_path("orders"), body), 400, "DMS.00400102",
                         range);
    }
    expect_invalid_parameter(server_.request("POST", reassignment_path("orders"), "{}"), "partition");
    expect_invalid_parameter(server_.request("POST", reassignment_path("orders"), R"({"partition":"5"})"),
                             "partition");
    expect_dms_error(server_.request("POST", reassignment_path("orders"), ""), 400, "DMS.00400004",
                     "The request body is empty.");
    expect_dms_error(server_.request("POST", reassignment_path("missing"), R"({"partition":5})"), 400,
                     "DMS.00400062", invalid_topic);
    // The instance's quota (300 partitions) counts the growth.
    for (int i = 0; i < 2; ++i) create_topic(server_, instance_, "big-" + std::to_string(i), 140);
    const auto full = topics();
    const auto quota = server_.request("POST", reassignment_path("orders"), R"({"partition":30})");
    EXPECT_EQ(quota.status, 400U) << quota.body;
    EXPECT_EQ(topics(), full);
    EXPECT_NE(before, full);

    const auto busy = busy_instance();
    expect_dms_error(
        server_.request("POST", instance_path(busy) + "/management/topics/orders/partitions-reassignment",
                        R"({"partition":5})"),
        400, "DMS.00400026", not_allowed);
}

// ==== ShowInstanceConfigs / ModifyInstanceConfigs =====================================================

TEST_F(dms_cluster, show_instance_configs_lists_the_settings_the_emulator_honours) {
    expect_json(server_.request("GET", configs_path()), 200, configs_json("false", "3", "72", "3"));
}

TEST_F(dms_cluster, modify_instance_configs_changes_them_and_counts_the_static_ones) {
    const auto reply = server_.request("PUT", configs_path(), R"({"kafka_configs":[
        {"name":"num.partitions","value":"5"},{"name":"log.retention.hours","value":"24"},
        {"name":"auto.create.topics.enable","value":"true"}]})");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    expect_json_headers(reply);
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject() && body.MemberCount() == 3 && body["job_id"].IsString()) << reply.body;
    EXPECT_EQ(std::string(body["job_id"].GetString()).size(), 32U);
    EXPECT_EQ(body["dynamic_config"].GetInt(), 0);
    EXPECT_EQ(body["static_config"].GetInt(), 3);
    expect_json(server_.request("GET", configs_path()), 200, configs_json("true", "3", "24", "5"));
    // auto.create.topics.enable is UpdateInstanceAutoCreateTopic's switch: ShowInstance sees it.
    EXPECT_NE(server_.request("GET", instance_path(instance_)).body.find(R"("enable_auto_topic":true)"),
              std::string::npos);
    expect_empty(
        server_.request("POST", instance_path(instance_) + "/autotopic", R"({"enable_auto_topic":false})"),
        200);
    expect_json(server_.request("GET", configs_path()), 200, configs_json("false", "3", "24", "5"));
    // An empty list changes nothing and counts nothing.
    const auto none = server_.request("PUT", configs_path(), R"({"kafka_configs":[]})");
    EXPECT_EQ(none.status, 200U) << none.body;
    const auto counted = none.json();
    ASSERT_TRUE(counted.IsObject() && counted.HasMember("static_config")) << none.body;
    EXPECT_EQ(counted["static_config"].GetInt(), 0);
    expect_json(server_.request("GET", configs_path()), 200, configs_json("false", "3", "24", "5"));
}

TEST_F(dms_cluster, modify_instance_configs_refuses_bad_names_and_values_and_changes_nothing) {
    const auto before = configs();
    const auto refused = [&](const std::string& name, const std::string& value) {
        const auto body = R"({"kafka_configs":[{"name":"num.partitions","value":"7"},{"name":")" + name +
                          R"(","value":")" + value + R"("}]})";
        expect_dms_error(server_.request("PUT", configs_path(), body), 400, "DMS.00400063",
                         "Invalid configuration parameter " + name + ".");
    };
    refused("message.max.bytes", "1000");  // DMS has it; the emulator does not honour it
    refused("num.partitions", "8");        // named twice
    refused("num.partitions ", "8");
    refused("log.retention.hours", "0");
    refused("log.retention.hours", "169");
    refused("default.replication.factor", "4");
    refused("default.replication.factor", "+2");
    refused("auto.create.topics.enable", "TRUE");
    refused("auto.create.topics.enable", "1");
    expect_invalid_parameter(server_.request("PUT", configs_path(), R"({})"), "kafka_configs");
    expect_invalid_parameter(server_.request("PUT", configs_path(), R"({"kafka_configs":{}})"),
                             "kafka_configs");
    expect_invalid_parameter(server_.request("PUT", configs_path(), R"({"kafka_configs":["x"]})"),
                             "kafka_configs[0]");
    expect_invalid_parameter(
        server_.request("PUT", configs_path(), R"({"kafka_configs":[{"name":"num.partitions","value":5}]})"),
        "kafka_configs[0].value");
    expect_invalid_parameter(server_.request("PUT", configs_path(), R"({"kafka_configs":[{"value":"5"}]})"),
                             "kafka_configs[0].name");
    expect_dms_error(server_.request("PUT", configs_path(), "not json"), 400, "DMS.00400005",
                     "The message body is not in JSON format or contains invalid characters.");
    EXPECT_EQ(configs(), before);

    const auto busy = busy_instance();
    expect_dms_error(server_.request("PUT", instance_path(busy) + "/configs",
                                     R"({"kafka_configs":[{"name":"num.partitions","value":"7"}]})"),
                     400, "DMS.00400026", not_allowed);
    EXPECT_EQ(server_.request("GET", instance_path(busy) + "/configs").body.find(R"("value":"7")"),
              std::string::npos);
    expect_dms_error(
        server_.request("PUT", instance_path(unknown_instance) + "/configs", R"({"kafka_configs":[]})"), 404,
        "DMS.00404022", no_instance);
}

// The settings travel with the instance through an export and a load of the state.
TEST_F(dms_cluster, instance_configs_survive_an_export_and_a_reload) {
    ASSERT_EQ(server_
                  .request("PUT", configs_path(),
                           R"({"kafka_configs":[{"name":"num.partitions","value":"9"},
                                  {"name":"default.replication.factor","value":"2"}]})")
                  .status,
              200U);
    const auto exported = server_.request("GET", "/_emulator/state");
    ASSERT_EQ(exported.status, 200U);
    EXPECT_NE(exported.body.find(
                  R"("kafka_configs":[{"name":"default.replication.factor","value":"2"},)"
                  R"({"name":"log.retention.hours","value":"72"},{"name":"num.partitions","value":"9"}])"),
              std::string::npos)
        << exported.body;
    ASSERT_EQ(server_.request("POST", "/_emulator/reset").status / 100, 2U);
    const auto loaded = server_.request("PUT", "/_emulator/state", exported.body);
    ASSERT_EQ(loaded.status / 100, 2U) << loaded.body;
    expect_json(server_.request("GET", configs_path()), 200, configs_json("false", "2", "72", "9"));
}

}  // namespace
}  // namespace emu::test
