// DMS for Kafka instance and topic routes over real sockets: CreatePostPaidKafkaInstance,
// CreateInstanceByEngine, ShowInstance, CreateInstanceTopic, ListInstanceTopics, ListTopicPartitions.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/dms_client.hpp"

namespace emu::test {
namespace {

// ---- helpers of this file ------------------------------------------------------------------------

std::string list_topics(const test_server& server, const std::string& instance) {
    return server.request("GET", topics_path(instance)).body;
}

// The default topic as ListInstanceTopics shows it, created at `created_at`.
std::string default_topic_json(const std::string& name, int partitions, std::int64_t created_at) {
    return R"({"name":")" + name + R"(","partition":)" + std::to_string(partitions) +
           R"(,"replication":3,"retention_time":72,"sync_replication":false,"sync_message_flush":false,)"
           R"("policiesOnly":false,"external_configs":{},"topic_type":0,"topic_desc":"","created_at":)" +
           std::to_string(created_at) +
           R"(,"topic_other_configs":[
                {"name":"message.timestamp.type","value":"CreateTime","default_value":"CreateTime",
                 "valid_values":"[CreateTime, LogAppendTime]","config_type":"dynamic","value_type":"string"},
                {"name":"max.message.bytes","value":"10485760","default_value":"10485760",
                 "valid_values":"0...10485760","config_type":"dynamic","value_type":"int"}]})";
}

// ==== instances ====================================================================================

class dms_instances : public ::testing::Test {
  protected:
    // Nothing was stored: no instance in the project, and the name is still free.
    void expect_no_instance_created() {
        EXPECT_TRUE(server_.state().kafka.list_instances(project_id).empty());
    }

    test_server server_;
};

TEST_F(dms_instances, create_post_paid_answers_the_new_uuid_only) {
    const auto reply = server_.request("POST", dms + "/kafka/instances", instance_body());
    EXPECT_EQ(reply.status, 200U) << reply.body;
    expect_json_headers(reply);
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject());
    EXPECT_EQ(body.MemberCount(), 1U) << reply.body;
    ASSERT_TRUE(body.HasMember("instance_id") && body["instance_id"].IsString()) << reply.body;
    EXPECT_TRUE(std::regex_match(std::string(body["instance_id"].GetString()),
                                 std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")))
        << body["instance_id"].GetString();
}

TEST_F(dms_instances, create_by_engine_answers_the_new_uuid_and_the_instance_can_be_shown) {
    const auto reply =
        server_.request("POST", "/v2/kafka/" + project_id + "/instances", instance_body("by-engine"));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    expect_json_headers(reply);
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject() && body.MemberCount() == 1 && body.HasMember("instance_id") &&
                body["instance_id"].IsString())
        << reply.body;
    const auto shown = server_.request("GET", dms + "/instances/" + body["instance_id"].GetString());
    EXPECT_EQ(shown.status, 200U);
    EXPECT_STREQ(shown.json()["name"].GetString(), "by-engine");
}

TEST_F(dms_instances, show_instance_answers_every_field_with_its_type) {
    server_.clock().now_ms = t0 + 123;
    const auto id = create_instance(server_);
    server_.clock().now_ms = t0 + 999;
    // The instance's own Kafka listener (an ephemeral port in tests; 9092 for the first instance of a
    // fresh emulator on its defaults).
    const auto address = server_.state().kafka.get_instance(project_id, id).address;
    const auto port = std::to_string(address.port);
    ASSERT_EQ(address.broker_ports.size(), 3u);
    const auto brokers = "127.0.0.1:" + port + ",127.0.0.1:" + std::to_string(address.broker_ports[1]) +
                         ",127.0.0.1:" + std::to_string(address.broker_ports[2]);
    expect_json(server_.request("GET", dms + "/instances/" + id), 200,
                R"({"instance_id":")" + id +
                    R"(","name":"emu-kafka-01","engine":"kafka","engine_version":"3.x",
                    "description":"","status":"RUNNING","type":"cluster",
                    "specification":"c6.2u4g.cluster * 3 broker","product_id":"c6.2u4g.cluster",
                    "resource_spec_code":"c6.2u4g.cluster","broker_num":3,"storage_space":300,
                    "total_storage_space":300,"used_storage_space":0,
                    "storage_spec_code":"dms.physical.storage.ultra.v2","storage_type":"hec",
                    "service_type":"advanced","partition_num":"300","port":)" +
                    port + R"(,"connect_address":"127.0.0.1",
                    "kafka_private_connect_address":")" +
                    brokers + R"(","created_at":"1700000000123",
                    "charging_mode":1,"enable_auto_topic":false,"ssl_enable":false,"vpc_id":"vpc-1",
                    "subnet_id":"subnet-1","security_group_id":"sg-1","available_zones":["az-1"],
                    "enterprise_project_id":"0","tags":[]})");
}

TEST_F(dms_instances, optional_fields_are_kept_with_their_types) {
    const std::string body =
        R"({"name":"Full_Instance-2","description":"team orders","engine":"kafka","engine_version":"2.7",
            "broker_num":5,"storage_space":600,"product_id":"c6.4u8g.cluster",
            "storage_spec_code":"dms.physical.storage.high.v2","vpc_id":"vpc-9","subnet_id":"subnet-9",
            "security_group_id":"sg-9","available_zones":["az-1","az-2","az-3"],"ssl_enable":true,
            "enable_auto_topic":true,"enterprise_project_id":"ep-7","retention_policy":"time_base"})";
    const auto created = server_.request("POST", "/v2/kafka/" + project_id + "/instances", body);
    ASSERT_EQ(created.status, 200U) << created.body;
    const std::string id = created.json()["instance_id"].GetString();
    const auto address = server_.state().kafka.get_instance(project_id, id).address;
    const auto port = std::to_string(address.port);
    std::string brokers;
    for (const auto p : address.broker_ports)
        brokers += (brokers.empty() ? "" : ",") + ("127.0.0.1:" + std::to_string(p));
    ASSERT_EQ(address.broker_ports.size(), 5u);
    expect_json(server_.request("GET", dms + "/instances/" + id), 200,
                R"({"instance_id":")" + id +
                    R"(","name":"Full_Instance-2","engine":"kafka","engine_version":"2.7",
                    "description":"team orders","status":"RUNNING","type":"cluster",
                    "specification":"c6.4u8g.cluster * 5 broker","product_id":"c6.4u8g.cluster",
                    "resource_spec_code":"c6.4u8g.cluster","broker_num":5,"storage_space":600,
                    "total_storage_space":600,"used_storage_space":0,
                    "storage_spec_code":"dms.physical.storage.high.v2","storage_type":"hec",
                    "service_type":"advanced","partition_num":"500","port":)" +
                    port + R"(,"connect_address":"127.0.0.1",
                    "kafka_private_connect_address":")" +
                    brokers + R"(","created_at":"1700000000000",
                    "charging_mode":1,"enable_auto_topic":true,"ssl_enable":true,"vpc_id":"vpc-9",
                    "subnet_id":"subnet-9","security_group_id":"sg-9","available_zones":["az-1","az-2","az-3"],
                    "enterprise_project_id":"ep-7","tags":[]})");
}

TEST_F(dms_instances, invalid_names_are_refused_with_dms_00400010) {
    const std::string message =
        "Invalid instance name. The name must be 4 to 64 characters long, start with a letter, and contain "
        "only "
        "letters, digits, hyphens (-), and underscores (_).";
    for (const auto& name :
         {std::string("abc"), std::string("1kafka"), std::string("has space"), std::string("dot.ted"),
          std::string("-kafka"), std::string("k") + std::string(64, 'a'), std::string("")}) {
        SCOPED_TRACE(name);
        expect_dms_error(server_.request("POST", dms + "/kafka/instances", instance_body(name)), 400,
                         "DMS.00400010", message);
    }
    expect_dms_error(server_.request("POST", dms + "/kafka/instances", instance_body("x", "name")), 400,
                     "DMS.00400010", message);
    expect_no_instance_created();
    // The limits themselves are accepted.
    EXPECT_FALSE(create_instance(server_, "abcd").empty());
    EXPECT_FALSE(create_instance(server_, "k" + std::string(63, '_')).empty());
}

TEST_F(dms_instances, table_codes_for_create_instance) {
    struct bad_case {
        std::string body;
        std::string code;
        std::string message;
    };
    const std::vector<bad_case> cases{
        {instance_body("emu-kafka-01", "", "description", "\"" + std::string(1025, 'd') + "\""),
         "DMS.00400011", "The instance description can contain a maximum of 1024 characters."},
        {instance_body("emu-kafka-01", "product_id"), "DMS.00400009", "Invalid product_id."},
        {instance_body("emu-kafka-01", "", "product_id", R"("")"), "DMS.00400009", "Invalid product_id."},
        {instance_body("emu-kafka-01", "vpc_id"), "DMS.00400013", "vpc_id in the request is empty."},
        {instance_body("emu-kafka-01", "", "vpc_id", R"("")"), "DMS.00400013",
         "vpc_id in the request is empty."},
        {instance_body("emu-kafka-01", "security_group_id"), "DMS.00400014",
         "security_group_id in the request is empty."},
        {instance_body("emu-kafka-01", "", "security_group_id", R"("")"), "DMS.00400014",
         "security_group_id in the request is empty."},
        {instance_body("emu-kafka-01", "subnet_id"), "DMS.00400016", "subnet_id in the request is empty."},
        {instance_body("emu-kafka-01", "", "subnet_id", R"("")"), "DMS.00400016",
         "subnet_id in the request is empty."},
        {instance_body("emu-kafka-01", "", "engine", R"("rabbitmq")"), "DMS.00400022",
         "Engine does not match the product id."},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body.substr(0, 200));
        expect_dms_error(server_.request("POST", dms + "/kafka/instances", c.body), 400, c.code, c.message);
        expect_dms_error(server_.request("POST", "/v2/kafka/" + project_id + "/instances", c.body), 400,
                         c.code, c.message);
    }
    expect_no_instance_created();
    EXPECT_FALSE(create_instance(server_, "emu-kafka-01").empty()) << "the name is still free";
}

TEST_F(dms_instances, a_description_of_1024_characters_is_accepted) {
    const auto reply = server_.request(
        "POST", dms + "/kafka/instances",
        instance_body("emu-kafka-01", "", "description", "\"" + std::string(1024, 'd') + "\""));
    EXPECT_EQ(reply.status, 200U) << reply.body;
}

TEST_F(dms_instances, missing_mistyped_or_out_of_range_fields_name_the_parameter) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {instance_body("emu-kafka-01", "", "name", "7"), "name"},
        {instance_body("emu-kafka-01", "engine"), "engine"},
        {instance_body("emu-kafka-01", "", "engine", "1"), "engine"},
        {instance_body("emu-kafka-01", "engine_version"), "engine_version"},
        {instance_body("emu-kafka-01", "broker_num"), "broker_num"},
        {instance_body("emu-kafka-01", "", "broker_num", R"("3")"), "broker_num"},
        {instance_body("emu-kafka-01", "", "broker_num", "2"), "broker_num"},
        {instance_body("emu-kafka-01", "", "broker_num", "51"), "broker_num"},
        {instance_body("emu-kafka-01", "", "broker_num", "3.5"), "broker_num"},
        {instance_body("emu-kafka-01", "storage_space"), "storage_space"},
        {instance_body("emu-kafka-01", "", "storage_space", "200"), "storage_space"},
        {instance_body("emu-kafka-01", "", "storage_space", "350"), "storage_space"},
        {instance_body("emu-kafka-01", "", "storage_space", R"("300")"), "storage_space"},
        {instance_body("emu-kafka-01", "storage_spec_code"), "storage_spec_code"},
        {instance_body("emu-kafka-01", "", "storage_spec_code", R"("dms.physical.storage.fast")"),
         "storage_spec_code"},
        {instance_body("emu-kafka-01", "", "product_id", "5"), "product_id"},
        {instance_body("emu-kafka-01", "", "vpc_id", "false"), "vpc_id"},
        {instance_body("emu-kafka-01", "available_zones"), "available_zones"},
        {instance_body("emu-kafka-01", "", "available_zones", "[]"), "available_zones"},
        {instance_body("emu-kafka-01", "", "available_zones", R"(["az-1","az-2"])"), "available_zones"},
        {instance_body("emu-kafka-01", "", "available_zones", R"("az-1")"), "available_zones"},
        {instance_body("emu-kafka-01", "", "available_zones", "[1]"), "available_zones"},
        {instance_body("emu-kafka-01", "", "available_zones", R"([""])"), "available_zones"},
        {instance_body("emu-kafka-01", "", "ssl_enable", R"("true")"), "ssl_enable"},
        {instance_body("emu-kafka-01", "", "enable_auto_topic", "1"), "enable_auto_topic"},
        {instance_body("emu-kafka-01", "", "description", "[]"), "description"},
    };
    for (const auto& [body, name] : cases) {
        SCOPED_TRACE(body);
        expect_dms_error(server_.request("POST", dms + "/kafka/instances", body), 400, "DMS.00400062",
                         invalid_parameter(name));
    }
    expect_no_instance_created();
}

TEST_F(dms_instances, a_duplicate_name_is_refused_on_either_route) {
    const auto id = create_instance(server_, "emu-kafka-01");
    const auto before = server_.request("GET", dms + "/instances/" + id).body;
    expect_dms_error(server_.request("POST", dms + "/kafka/instances", instance_body("emu-kafka-01")), 400,
                     "DMS.00400060", "This instance name already exists.");
    expect_dms_error(
        server_.request("POST", "/v2/kafka/" + project_id + "/instances", instance_body("emu-kafka-01")), 400,
        "DMS.00400060", "This instance name already exists.");
    EXPECT_EQ(server_.state().kafka.list_instances(project_id).size(), 1U);
    EXPECT_EQ(server_.request("GET", dms + "/instances/" + id).body, before);
    // Names are per project.
    const auto other = server_.request("POST", "/v2/" + other_project_id + "/kafka/instances",
                                       instance_body("emu-kafka-01"));
    EXPECT_EQ(other.status, 200U) << other.body;
}

TEST_F(dms_instances, unusable_bodies_are_refused) {
    const std::string not_json = "The message body is not in JSON format or contains invalid characters.";
    for (const auto& path : {dms + "/kafka/instances", "/v2/kafka/" + project_id + "/instances"}) {
        SCOPED_TRACE(path);
        expect_dms_error(server_.request("POST", path, ""), 400, "DMS.00400004",
                         "The request body is empty.");
        expect_dms_error(server_.request("POST", path, "\n"), 400, "DMS.00400004",
                         "The request body is empty.");
        expect_dms_error(server_.request("POST", path, R"({"name":"emu-kafka-01",)"), 400, "DMS.00400005",
                         not_json);
        expect_dms_error(server_.request("POST", path, R"("emu-kafka-01")"), 400, "DMS.00400005", not_json);
        expect_dms_error(server_.request("POST", path, "name=emu-kafka-01"), 400, "DMS.00400005", not_json);
    }
    expect_no_instance_created();
}

TEST_F(dms_instances, malformed_project_ids_are_refused) {
    for (const std::string project : {"my-project", "0123456789ABCDEF0123456789ABCDEZ", "0123456789abcdef"}) {
        SCOPED_TRACE(project);
        expect_dms_error(server_.request("POST", "/v2/" + project + "/kafka/instances", instance_body()), 400,
                         "DMS.00400002", "The project ID format is invalid.");
        expect_dms_error(server_.request("POST", "/v2/kafka/" + project + "/instances", instance_body()), 400,
                         "DMS.00400002", "The project ID format is invalid.");
        expect_dms_error(server_.request("GET", "/v2/" + project + "/instances/" + unknown_instance), 400,
                         "DMS.00400002", "The project ID format is invalid.");
    }
    expect_no_instance_created();
}

TEST_F(dms_instances, show_unknown_malformed_and_foreign_instances) {
    const auto id = create_instance(server_);
    expect_dms_error(server_.request("GET", dms + "/instances/" + unknown_instance), 404, "DMS.00404022",
                     "This DMS instance does not exist.");
    expect_dms_error(server_.request("GET", "/v2/" + other_project_id + "/instances/" + id), 404,
                     "DMS.00404022", "This DMS instance does not exist.");
    for (const auto& bad : {std::string("emu-kafka-01"), id.substr(1), id + "a", std::string(36, 'a'),
                            std::string("0b6f3c1e-4d2a-4f8b-9c7d-1e2f3a4b5c6x")}) {
        SCOPED_TRACE(bad);
        expect_dms_error(server_.request("GET", dms + "/instances/" + bad), 400, "DMS.00400030",
                         "Invalid DMS instance id. The id must be a uuid.");
    }
}

TEST_F(dms_instances, percent_encoded_instance_ids_are_decoded) {
    const auto id = create_instance(server_);
    std::string encoded;
    for (const char c : id) encoded += c == '-' ? std::string("%2D") : std::string(1, c);
    const auto reply = server_.request("GET", dms + "/instances/" + encoded);
    EXPECT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(std::string(reply.json()["instance_id"].GetString()), id);
}

TEST_F(dms_instances, other_methods_on_instance_paths_are_gateway_404s) {
    const auto id = create_instance(server_);
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", dms + "/kafka/instances"},
             {"PUT", dms + "/kafka/instances"},
             {"DELETE", "/v2/kafka/" + project_id + "/instances"},
             {"POST", dms + "/instances/" + id},
             {"PATCH", dms + "/instances/" + id}}) {
        SCOPED_TRACE(method + " " + path);
        expect_gateway_404(
            server_.request(method, path, method == "GET" ? "" : instance_body("gateway-test")));
    }
    EXPECT_EQ(server_.state().kafka.list_instances(project_id).size(), 1U);
    EXPECT_EQ(server_.request("GET", dms + "/instances/" + id).status, 200U);
}

// ==== topics =======================================================================================

class dms_topics : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
    }

    http_reply create(const std::string& body) const {
        return server_.request("POST", topics_path(instance_), body);
    }

    void expect_rejected_without_change(const std::string& body, const std::string& code,
                                        const std::string& message) {
        SCOPED_TRACE(body);
        const auto before = list_topics(server_, instance_);
        expect_dms_error(create(body), 400, code, message);
        EXPECT_EQ(list_topics(server_, instance_), before);
    }

    test_server server_;
    std::string instance_;
};

TEST_F(dms_topics, create_answers_the_name_and_the_list_shows_every_field_with_its_type) {
    server_.clock().now_ms = t0 + 77;
    expect_json(create(R"({"id":"orders"})"), 200, R"({"name":"orders"})");
    server_.clock().now_ms = t0 + 5000;
    expect_json(
        server_.request("GET", topics_path(instance_)), 200,
        R"({"total":1,"size":1,"remain_partitions":297,"max_partitions":300,"topic_max_partitions":200,
                    "topics":[)" +
            default_topic_json("orders", 3, t0 + 77) + "]}");
}

TEST_F(dms_topics, every_option_is_kept) {
    expect_json(create(R"({"id":"audit.log-v2_x","partition":6,"replication":2,"retention_time":720,
                           "sync_replication":true,"sync_message_flush":true,"topic_desc":"who did what",
                           "topic_other_configs":[{"name":"message.timestamp.type","value":"LogAppendTime"},
                                                  {"name":"max.message.bytes","value":"1024"}]})"),
                200, R"({"name":"audit.log-v2_x"})");
    expect_json(
        server_.request("GET", topics_path(instance_)), 200,
        R"({"total":1,"size":1,"remain_partitions":294,"max_partitions":300,"topic_max_partitions":200,
                    "topics":[{"name":"audit.log-v2_x","partition":6,"replication":2,"retention_time":720,
                      "sync_replication":true,"sync_message_flush":true,"policiesOnly":false,"external_configs":{},
                      "topic_type":0,"topic_desc":"who did what","created_at":1700000000000,
                      "topic_other_configs":[
                        {"name":"message.timestamp.type","value":"LogAppendTime","default_value":"CreateTime",
                         "valid_values":"[CreateTime, LogAppendTime]","config_type":"dynamic","value_type":"string"},
                        {"name":"max.message.bytes","value":"1024","default_value":"10485760",
                         "valid_values":"0...10485760","config_type":"dynamic","value_type":"int"}]}]})");
}

TEST_F(dms_topics, a_client_supplied_created_at_is_ignored) {
    server_.clock().now_ms = t0 + 1;
    ASSERT_EQ(create(R"({"id":"orders","created_at":5})").status, 200U);
    expect_json(
        server_.request("GET", topics_path(instance_)), 200,
        R"({"total":1,"size":1,"remain_partitions":297,"max_partitions":300,"topic_max_partitions":200,
                    "topics":[)" +
            default_topic_json("orders", 3, t0 + 1) + "]}");
}

TEST_F(dms_topics, an_empty_instance_lists_no_topics) {
    expect_json(
        server_.request("GET", topics_path(instance_)), 200,
        R"({"total":0,"size":0,"remain_partitions":300,"max_partitions":300,"topic_max_partitions":200,
                    "topics":[]})");
}

TEST_F(dms_topics, the_list_pages_with_offset_and_limit) {
    for (const auto* name : {"charlie", "alpha", "bravo"}) create_topic(server_, instance_, name, 1);
    const std::string head =
        R"({"total":3,"remain_partitions":297,"max_partitions":300,"topic_max_partitions":200,)";
    expect_json(server_.request("GET", topics_path(instance_) + "?offset=1&limit=1"), 200,
                head + R"("size":1,"topics":[)" + default_topic_json("bravo", 1, t0) + "]}");
    expect_json(server_.request("GET", topics_path(instance_) + "?limit=2"), 200,
                head + R"("size":2,"topics":[)" + default_topic_json("alpha", 1, t0) + "," +
                    default_topic_json("bravo", 1, t0) + "]}");
    expect_json(server_.request("GET", topics_path(instance_) + "?offset=0&limit=0"), 200,
                head + R"("size":3,"topics":[)" + default_topic_json("alpha", 1, t0) + "," +
                    default_topic_json("bravo", 1, t0) + "," + default_topic_json("charlie", 1, t0) + "]}");
    expect_json(server_.request("GET", topics_path(instance_) + "?offset=3"), 200,
                head + R"("size":0,"topics":[]})");
}

TEST_F(dms_topics, bad_paging_parameters_are_named) {
    for (const auto& [query, name] :
         std::vector<std::pair<std::string, std::string>>{{"?offset=-1", "offset"},
                                                          {"?offset=x", "offset"},
                                                          {"?limit=201", "limit"},
                                                          {"?limit=-1", "limit"},
                                                          {"?limit=ten", "limit"}}) {
        SCOPED_TRACE(query);
        expect_dms_error(server_.request("GET", topics_path(instance_) + query), 400, "DMS.00400062",
                         invalid_parameter(name));
    }
}

TEST_F(dms_topics, invalid_names_are_refused_with_dms_00400101) {
    const std::string message =
        "The name of a Kafka topic must be 3 to 200 characters long, start with a letter, and contain only "
        "letters, "
        "digits, periods (.), hyphens (-), and underscores (_).";
    for (const auto& body :
         {std::string(R"({"partition":1})"), std::string(R"({"id":""})"), std::string(R"({"id":"ab"})"),
          std::string(R"({"id":"1orders"})"), std::string(R"({"id":"_orders"})"),
          std::string(R"({"id":"or ders"})"), std::string(R"({"id":"orders/x"})"),
          R"({"id":"o)" + std::string(200, 'x') + R"("})"}) {
        expect_rejected_without_change(body, "DMS.00400101", message);
    }
    // The limits themselves are accepted.
    EXPECT_EQ(create(R"({"id":"abc","partition":1})").status, 200U);
    EXPECT_EQ(create(R"({"id":"o)" + std::string(199, 'x') + R"(","partition":1})").status, 200U);
}

TEST_F(dms_topics, out_of_range_numbers_get_their_table_codes) {
    const std::string partitions = "The number of partitions in a topic must be within the range of 1-200.";
    const std::string replicas = "The number of replicas of a topic must be within the range of 1-3.";
    const std::string retention =
        "The message retention period of a topic must be within the range of 1-720.";
    expect_rejected_without_change(R"({"id":"orders","partition":0})", "DMS.00400102", partitions);
    expect_rejected_without_change(R"({"id":"orders","partition":201})", "DMS.00400102", partitions);
    expect_rejected_without_change(R"({"id":"orders","replication":0})", "DMS.00400103", replicas);
    expect_rejected_without_change(R"({"id":"orders","replication":4})", "DMS.00400103", replicas);
    expect_rejected_without_change(R"({"id":"orders","retention_time":0})", "DMS.00400105", retention);
    expect_rejected_without_change(R"({"id":"orders","retention_time":721})", "DMS.00400105", retention);
    EXPECT_EQ(create(R"({"id":"orders","partition":200,"replication":1,"retention_time":1})").status, 200U);
}

TEST_F(dms_topics, unknown_or_invalid_configs_are_dms_00400063) {
    expect_rejected_without_change(
        R"({"id":"orders","topic_other_configs":[{"name":"cleanup.policy","value":"compact"}]})",
        "DMS.00400063", "Invalid configuration parameter cleanup.policy.");
    expect_rejected_without_change(
        R"({"id":"orders","topic_other_configs":[{"name":"message.timestamp.type","value":"WallClock"}]})",
        "DMS.00400063", "Invalid configuration parameter message.timestamp.type.");
    expect_rejected_without_change(
        R"({"id":"orders","topic_other_configs":[{"name":"max.message.bytes","value":"10485761"}]})",
        "DMS.00400063", "Invalid configuration parameter max.message.bytes.");
}

TEST_F(dms_topics, mistyped_fields_name_the_parameter) {
    for (const auto& [body, name] : std::vector<std::pair<std::string, std::string>>{
             {R"({"id":7})", "id"},
             {R"({"id":"orders","partition":"3"})", "partition"},
             {R"({"id":"orders","partition":1.5})", "partition"},
             {R"({"id":"orders","replication":"3"})", "replication"},
             {R"({"id":"orders","retention_time":"72"})", "retention_time"},
             {R"({"id":"orders","sync_replication":"false"})", "sync_replication"},
             {R"({"id":"orders","sync_message_flush":0})", "sync_message_flush"},
             {R"({"id":"orders","topic_desc":5})", "topic_desc"},
             {R"({"id":"orders","topic_desc":")" + std::string(201, 'd') + R"("})", "topic_desc"},
             {R"({"id":"orders","topic_other_configs":{"name":"max.message.bytes","value":"1"}})",
              "topic_other_configs"},
             {R"({"id":"orders","topic_other_configs":["max.message.bytes"]})", "topic_other_configs[0]"},
             {R"({"id":"orders","topic_other_configs":[{"name":"max.message.bytes","value":1}]})",
              "topic_other_configs[0].value"},
             {R"({"id":"orders","topic_other_configs":[{"value":"1"}]})", "topic_other_configs[0].name"},
         }) {
        expect_rejected_without_change(body, "DMS.00400062", invalid_parameter(name));
    }
    EXPECT_EQ(create(R"({"id":"orders","topic_desc":")" + std::string(200, 'd') + R"("})").status, 200U);
}

TEST_F(dms_topics, a_duplicate_topic_is_an_invalid_topic) {
    create_topic(server_, instance_, "orders", 3);
    expect_rejected_without_change(R"({"id":"orders","partition":5})", "DMS.00400062", invalid_topic);
}

TEST_F(dms_topics, the_instance_partition_quota_is_enforced) {
    create_topic(server_, instance_, "big", 200);
    expect_rejected_without_change(
        R"({"id":"bigger","partition":101})", "DMS.00400102",
        "The number of partitions exceeds the partition quota of the instance (300).");
    EXPECT_EQ(create(R"({"id":"fits","partition":100})").status, 200U);
    const auto listed = server_.request("GET", topics_path(instance_)).json();
    EXPECT_EQ(listed["remain_partitions"].GetInt(), 0);
}

TEST_F(dms_topics, replication_above_the_broker_count_is_dms_00400861) {
    state::instance_spec spec;
    spec.name = "single-broker";
    spec.broker_num = 1;
    const auto small = server_.state().kafka.create_instance(project_id, spec).spec.instance_id;
    const auto before = list_topics(server_, small);
    expect_dms_error(server_.request("POST", topics_path(small), R"({"id":"orders","replication":2})"), 400,
                     "DMS.00400861", "Replication factor larger than available brokers.");
    EXPECT_EQ(list_topics(server_, small), before);
    EXPECT_EQ(server_.request("POST", topics_path(small), R"({"id":"orders","replication":1,"partition":1})")
                  .status,
              200U);
}

TEST_F(dms_topics, unusable_bodies_are_refused) {
    expect_rejected_without_change("", "DMS.00400004", "The request body is empty.");
    const std::string not_json = "The message body is not in JSON format or contains invalid characters.";
    expect_rejected_without_change(R"({"id":"orders")", "DMS.00400005", not_json);
    expect_rejected_without_change(R"(["orders"])", "DMS.00400005", not_json);
}

TEST_F(dms_topics, unknown_malformed_and_foreign_instances) {
    const auto before = list_topics(server_, instance_);
    for (const auto& [method, body] :
         std::vector<std::pair<std::string, std::string>>{{"POST", R"({"id":"orders"})"}, {"GET", ""}}) {
        SCOPED_TRACE(method);
        expect_dms_error(server_.request(method, topics_path(unknown_instance), body), 404, "DMS.00404022",
                         "This DMS instance does not exist.");
        expect_dms_error(
            server_.request(method, "/v2/" + other_project_id + "/instances/" + instance_ + "/topics", body),
            404, "DMS.00404022", "This DMS instance does not exist.");
        expect_dms_error(server_.request(method, topics_path("instance-1"), body), 400, "DMS.00400030",
                         "Invalid DMS instance id. The id must be a uuid.");
        expect_dms_error(server_.request(method, "/v2/p/instances/" + instance_ + "/topics", body), 400,
                         "DMS.00400002", "The project ID format is invalid.");
    }
    EXPECT_EQ(list_topics(server_, instance_), before);
}

TEST_F(dms_topics, other_methods_on_the_topics_path_are_gateway_404s) {
    create_topic(server_, instance_, "orders", 1);
    const auto before = list_topics(server_, instance_);
    for (const auto* method : {"PATCH", "DELETE"}) {
        expect_gateway_404(server_.request(method, topics_path(instance_), R"({"id":"other"})"));
    }
    expect_gateway_404(server_.request("DELETE", topics_path(instance_) + "/orders", ""));
    EXPECT_EQ(list_topics(server_, instance_), before);
}

// ==== ListTopicPartitions ==========================================================================

class dms_topic_partitions : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        ASSERT_FALSE(HasFailure());
    }

    test_server server_;
    std::string instance_;
};

TEST_F(dms_topic_partitions, a_new_topic_lists_empty_partitions_updated_at_creation) {
    server_.clock().now_ms = t0 + 500;
    expect_json(server_.request("GET", partitions_path(instance_, "orders")), 200,
                R"({"total":3,"partitions":[
                    {"partition":0,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000},
                    {"partition":1,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000},
                    {"partition":2,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000}]})");
}

TEST_F(dms_topic_partitions, offsets_counts_and_update_times_follow_the_log) {
    server_.clock().now_ms = t0 + 10;
    send(server_, instance_, "orders", "v", 0);
    server_.clock().now_ms = t0 + 20;
    send(server_, instance_, "orders", "v", 0);
    server_.clock().now_ms = t0 + 30;
    send(server_, instance_, "orders", "v", 0);
    server_.clock().now_ms = t0 + 40;
    send(server_, instance_, "orders", "v", 2);
    server_.clock().now_ms = t0 + 50;
    ASSERT_EQ(server_
                  .request("POST", dms + "/kafka/instances/" + instance_ + "/topics/orders/messages/delete",
                           R"({"partitions":[{"partition":0,"offset":2}]})")
                  .status,
              200U);
    // last_offset is the log end (next offset to write); deleting is not a write.
    expect_json(server_.request("GET", partitions_path(instance_, "orders")), 200,
                R"({"total":3,"partitions":[
                    {"partition":0,"start_offset":2,"last_offset":3,"message_count":1,"last_update_time":1700000000030},
                    {"partition":1,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000},
                    {"partition":2,"start_offset":0,"last_offset":1,"message_count":1,"last_update_time":1700000000040}]})");
}

TEST_F(dms_topic_partitions, offset_and_limit_page_the_partitions) {
    expect_json(server_.request("GET", partitions_path(instance_, "orders") + "?offset=1&limit=1"), 200,
                R"({"total":3,"partitions":[
                    {"partition":1,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000}]})");
    expect_json(server_.request("GET", partitions_path(instance_, "orders") + "?offset=2"), 200,
                R"({"total":3,"partitions":[
                    {"partition":2,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000}]})");
    expect_json(server_.request("GET", partitions_path(instance_, "orders") + "?offset=3&limit=10"), 200,
                R"({"total":3,"partitions":[]})");
}

TEST_F(dms_topic_partitions, bad_paging_parameters_are_named) {
    for (const auto& [query, name] :
         std::vector<std::pair<std::string, std::string>>{{"?offset=-1", "offset"},
                                                          {"?offset=one", "offset"},
                                                          {"?limit=0", "limit"},
                                                          {"?limit=x", "limit"}}) {
        SCOPED_TRACE(query);
        expect_dms_error(server_.request("GET", partitions_path(instance_, "orders") + query), 400,
                         "DMS.00400062", invalid_parameter(name));
    }
}

TEST_F(dms_topic_partitions, percent_encoded_topic_names_are_decoded) {
    create_topic(server_, instance_, "orders.eu", 1);
    expect_json(server_.request("GET", partitions_path(instance_, "orders%2Eeu")), 200,
                R"({"total":1,"partitions":[
                    {"partition":0,"start_offset":0,"last_offset":0,"message_count":0,"last_update_time":1700000000000}]})");
}

TEST_F(dms_topic_partitions, unknown_topics_and_instances_are_refused) {
    expect_dms_error(server_.request("GET", partitions_path(instance_, "payments")), 400, "DMS.00400062",
                     invalid_topic);
    expect_dms_error(server_.request("GET", partitions_path(unknown_instance, "orders")), 404, "DMS.00404022",
                     "This DMS instance does not exist.");
    expect_dms_error(server_.request("GET", partitions_path("not-uuid", "orders")), 400, "DMS.00400030",
                     "Invalid DMS instance id. The id must be a uuid.");
    expect_dms_error(
        server_.request("GET", "/v2/x/kafka/instances/" + instance_ + "/topics/orders/partitions"), 400,
        "DMS.00400002", "The project ID format is invalid.");
    expect_dms_error(server_.request("GET", "/v2/" + other_project_id + "/kafka/instances/" + instance_ +
                                                "/topics/orders/partitions"),
                     404, "DMS.00404022", "This DMS instance does not exist.");
}

TEST_F(dms_topic_partitions, other_methods_are_gateway_404s) {
    for (const auto* method : {"POST", "DELETE", "PUT"}) {
        expect_gateway_404(server_.request(method, partitions_path(instance_, "orders"), "{}"));
    }
}

}  // namespace
}  // namespace emu::test
