// DMS for Kafka lifecycle and query routes over real sockets: ListInstances, DeleteInstance,
// BatchDeleteInstanceTopic, UpdateInstanceTopic, ShowInstanceTopicDetail, ShowKafkaTopicDetail,
// ShowInstanceMessages and ShowMessages (rows 5, 7, 10-13, 16, 17), and retention seen from every view.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/dms_client.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t hour_ms = 3'600'000;

// ==== ListInstances, DeleteInstance ==================================================================

class dms_instance_lifecycle : public ::testing::Test {
  protected:
    // ShowInstance's body for `id`: list items are the same Instance model.
    std::string shown(const std::string& id) const { return server_.request("GET", instance_path(id)).body; }

    test_server server_;
};

TEST_F(dms_instance_lifecycle, list_answers_instances_newest_first_with_the_show_model) {
    const auto alpha = create_instance(server_, "alpha-kafka");
    server_.clock().now_ms += 1;
    const auto beta = create_instance(server_, "beta-kafka");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka"), 200,
                R"({"instances":[)" + shown(beta) + "," + shown(alpha) + R"(],"instance_num":2})");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&offset=1&limit=1"), 200,
                R"({"instances":[)" + shown(alpha) + R"(],"instance_num":2})");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&name=alp"), 200,
                R"({"instances":[)" + shown(alpha) + R"(],"instance_num":1})");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&name=alp&exact_match_name=true"), 200,
                R"({"instances":[],"instance_num":0})");
    expect_json(
        server_.request("GET", dms + "/instances?engine=kafka&name=alpha-kafka&exact_match_name=True"), 200,
        R"({"instances":[)" + shown(alpha) + R"(],"instance_num":1})");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&instance_id=" + beta), 200,
                R"({"instances":[)" + shown(beta) + R"(],"instance_num":1})");
    expect_json(server_.request("GET", dms + "/instances?engine=rabbitmq"), 200,
                R"({"instances":[],"instance_num":0})");
    expect_json(server_.request("GET", "/v2/" + other_project_id + "/instances?engine=kafka"), 200,
                R"({"instances":[],"instance_num":0})");
}

TEST_F(dms_instance_lifecycle, list_filters_by_status_and_failed_creations) {
    const auto running = create_instance(server_, "good-kafka");
    state::instance_spec spec;
    spec.name = "failed-kafka";
    spec.status = "CREATEFAILED";
    const auto failed = server_.state().kafka.create_instance(project_id, spec).spec.instance_id;
    const auto all = server_.request("GET", dms + "/instances?engine=kafka").json();
    EXPECT_EQ(all["instance_num"].GetInt(), 2);
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&include_failure=false"), 200,
                R"({"instances":[)" + shown(running) + R"(],"instance_num":1})");
    expect_json(server_.request("GET", dms + "/instances?engine=kafka&status=CREATEFAILED"), 200,
                R"({"instances":[)" + shown(failed) + R"(],"instance_num":1})");
}

TEST_F(dms_instance_lifecycle, list_refuses_bad_queries) {
    create_instance(server_, "alpha-kafka");
    expect_invalid_parameter(server_.request("GET", dms + "/instances"), "engine");
    expect_dms_error(server_.request("GET", dms + "/instances?engine=kafka&offset=1"), 400, "DMS.40050010",
                     "Offset parameter is invalid.");
    expect_invalid_parameter(server_.request("GET", dms + "/instances?engine=kafka&limit=51"), "limit");
    expect_invalid_parameter(server_.request("GET", dms + "/instances?engine=kafka&limit=0"), "limit");
    expect_invalid_parameter(server_.request("GET", dms + "/instances?engine=kafka&offset=-1"), "offset");
    expect_invalid_parameter(server_.request("GET", dms + "/instances?engine=kafka&include_failure=yes"),
                             "include_failure");
    expect_dms_error(server_.request("GET", "/v2/not-a-project/instances?engine=kafka"), 400, "DMS.00400002",
                     "The project ID format is invalid.");
}

TEST_F(dms_instance_lifecycle, delete_removes_the_instance_and_everything_under_it) {
    const auto id = create_instance(server_);
    create_topic(server_, id, "orders", 3);
    send(server_, id, "orders", "m0", 0);
    create_group(server_, id, "billing");
    expect_empty(server_.request("DELETE", instance_path(id)), 204);
    expect_dms_error(server_.request("GET", instance_path(id)), 404, "DMS.00404022", no_instance);
    expect_dms_error(server_.request("GET", topics_path(id)), 404, "DMS.00404022", no_instance);
    expect_dms_error(server_.request("GET", partitions_path(id, "orders")), 404, "DMS.00404022", no_instance);
    expect_dms_error(server_.request("GET", instance_path(id) + "/groups"), 404, "DMS.00404022", no_instance);
    expect_json(server_.request("GET", dms + "/instances?engine=kafka"), 200,
                R"({"instances":[],"instance_num":0})");
    // The name is free again, and the new instance starts empty.
    const auto again = create_instance(server_);
    expect_json(server_.request("GET", instance_path(again) + "/groups"), 200, R"({"groups":[],"total":0})");
    EXPECT_EQ(server_.request("GET", topics_path(again)).json()["total"].GetInt(), 0);
}

TEST_F(dms_instance_lifecycle, delete_refuses_unknown_malformed_and_busy_instances) {
    const auto id = create_instance(server_);
    expect_dms_error(server_.request("DELETE", instance_path(unknown_instance)), 404, "DMS.00404022",
                     no_instance);
    expect_dms_error(server_.request("DELETE", "/v2/" + other_project_id + "/instances/" + id), 404,
                     "DMS.00404022", no_instance);
    expect_dms_error(server_.request("DELETE", instance_path("emu-kafka-01")), 400, "DMS.00400030",
                     "Invalid DMS instance id. The id must be a uuid.");
    state::instance_spec spec;
    spec.name = "busy-kafka";
    spec.status = "CREATING";
    const auto busy = server_.state().kafka.create_instance(project_id, spec).spec.instance_id;
    expect_dms_error(server_.request("DELETE", instance_path(busy)), 400, "DMS.00400026",
                     "This operation is not allowed due to the instance status.");
    EXPECT_EQ(server_.request("GET", instance_path(busy)).status, 200U);
    EXPECT_EQ(server_.request("GET", instance_path(id)).status, 200U);
}

// ==== topics: batch delete, update, the two detail views ==============================================

class dms_topic_lifecycle : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        create_topic(server_, instance_, "payments", 1);
        ASSERT_FALSE(HasFailure());
    }

    std::string topics() const { return server_.request("GET", topics_path(instance_)).body; }
    http_reply update(const std::string& body) const {
        return server_.request("PUT", topics_path(instance_), body);
    }

    void expect_update_refused(const std::string& body, const std::string& code, const std::string& message) {
        const auto before = topics();
        expect_dms_error(update(body), 400, code, message);
        EXPECT_EQ(topics(), before) << body;
    }

    test_server server_;
    std::string instance_;
};

TEST_F(dms_topic_lifecycle, batch_delete_reports_each_topic_and_removes_its_log) {
    send(server_, instance_, "orders", "m0", 0);
    expect_json(server_.request("POST", topics_path(instance_) + "/delete",
                                R"({"topics":["orders","missing","orders"]})"),
                200,
                R"({"topics":[{"id":"orders","success":true},{"id":"missing","success":false},
                              {"id":"orders","success":false}]})");
    const auto listed = server_.request("GET", topics_path(instance_)).json();
    EXPECT_EQ(listed["total"].GetInt(), 1);
    EXPECT_EQ(listed["remain_partitions"].GetInt(), 299);
    expect_dms_error(server_.request("GET", partitions_path(instance_, "orders")), 400, "DMS.00400062",
                     invalid_topic);
    // A topic created again under the same name starts with an empty log.
    create_topic(server_, instance_, "orders", 3);
    EXPECT_EQ(server_.request("GET", partitions_path(instance_, "orders"))
                  .json()["partitions"][0]["last_offset"]
                  .GetInt64(),
              0);
    expect_json(server_.request("POST", topics_path(instance_) + "/delete", R"({"topics":[]})"), 200,
                R"({"topics":[]})");
}

TEST_F(dms_topic_lifecycle, batch_delete_refuses_bad_bodies_without_change) {
    const auto before = topics();
    const auto path = topics_path(instance_) + "/delete";
    expect_invalid_parameter(server_.request("POST", path, "{}"), "topics");
    expect_invalid_parameter(server_.request("POST", path, R"({"topics":"orders"})"), "topics");
    expect_invalid_parameter(server_.request("POST", path, R"({"topics":["orders",1]})"), "topics[1]");
    expect_dms_error(server_.request("POST", path, ""), 400, "DMS.00400004", "The request body is empty.");
    expect_dms_error(
        server_.request("POST", topics_path(unknown_instance) + "/delete", R"({"topics":["orders"]})"), 404,
        "DMS.00404022", no_instance);
    EXPECT_EQ(topics(), before);
}

TEST_F(dms_topic_lifecycle, update_changes_settings_and_grows_partitions) {
    server_.clock().now_ms = t0 + 50;
    expect_empty(update(R"({"topics":[{"id":"orders","retention_time":24,"sync_replication":true,
        "sync_message_flush":true,"new_partition_numbers":5,"new_partition_brokers":[0,2],"topic_desc":"all orders",
        "topic_other_configs":[{"name":"max.message.bytes","value":"1024"}]}]})"),
                 204);
    const auto listed = server_.request("GET", topics_path(instance_)).json();
    const auto& orders = listed["topics"][0];
    EXPECT_STREQ(orders["name"].GetString(), "orders");
    EXPECT_EQ(orders["partition"].GetInt(), 5);
    EXPECT_EQ(orders["retention_time"].GetInt(), 24);
    EXPECT_TRUE(orders["sync_replication"].IsBool() && orders["sync_replication"].GetBool());
    EXPECT_TRUE(orders["sync_message_flush"].GetBool());
    EXPECT_STREQ(orders["topic_desc"].GetString(), "all orders");
    EXPECT_STREQ(orders["topic_other_configs"][1]["value"].GetString(), "1024");
    EXPECT_EQ(listed["remain_partitions"].GetInt(), 294);
    const auto partitions = server_.request("GET", partitions_path(instance_, "orders")).json();
    EXPECT_EQ(partitions["total"].GetInt(), 5);
    EXPECT_EQ(partitions["partitions"][4]["last_update_time"].GetInt64(), t0 + 50);
    // New partitions take messages.
    send(server_, instance_, "orders", "m4", 4);
    EXPECT_EQ(server_.request("GET", partitions_path(instance_, "orders"))
                  .json()["partitions"][4]["last_offset"]
                  .GetInt64(),
              1);
    // Unset fields stay as they are; the same partition count is no change.
    expect_empty(update(R"({"topics":[{"id":"orders","new_partition_numbers":5}]})"), 204);
    EXPECT_EQ(server_.request("GET", topics_path(instance_)).json()["topics"][0]["retention_time"].GetInt(),
              24);
}

TEST_F(dms_topic_lifecycle, update_is_all_or_nothing_and_names_each_problem) {
    expect_update_refused(R"({"topics":[{"id":"orders","new_partition_numbers":2}]})", "DMS.00400102",
                          "The number of partitions of topic orders can only be increased.");
    expect_update_refused(R"({"topics":[{"id":"orders","new_partition_numbers":201}]})", "DMS.00400102",
                          "The number of partitions in a topic must be within the range of 1-200.");
    expect_update_refused(R"({"topics":[{"id":"orders","retention_time":721}]})", "DMS.00400105",
                          "The message retention period of a topic must be within the range of 1-720.");
    expect_update_refused(
        R"({"topics":[{"id":"orders","retention_time":12},{"id":"refunds","retention_time":1}]})",
        "DMS.00400062", invalid_topic);
    expect_update_refused(
        R"({"topics":[{"id":"orders","new_partition_numbers":200},{"id":"payments","new_partition_numbers":101}]})",
        "DMS.00400102", "The number of partitions exceeds the partition quota of the instance (300).");
    expect_update_refused(R"({"topics":[{"id":"orders","new_partition_brokers":[3]}]})", "DMS.00400062",
                          invalid_parameter("topics[0].new_partition_brokers[0]"));
    expect_update_refused(R"({"topics":[{"retention_time":1}]})", "DMS.00400062",
                          invalid_parameter("topics[0].id"));
    expect_update_refused(R"({"topics":[{"id":"orders","sync_replication":"true"}]})", "DMS.00400062",
                          invalid_parameter("topics[0].sync_replication"));
    expect_update_refused(R"({"topics":[{"id":"orders","topic_other_configs":[{"name":"x","value":"1"}]}]})",
                          "DMS.00400063", "Invalid configuration parameter x.");
    expect_update_refused(R"({"topics":"orders"})", "DMS.00400062", invalid_parameter("topics"));
    expect_update_refused("", "DMS.00400004", "The request body is empty.");
    expect_dms_error(server_.request("PUT", topics_path(unknown_instance), R"({"topics":[]})"), 404,
                     "DMS.00404022", no_instance);
}

TEST_F(dms_topic_lifecycle, management_detail_shows_offsets_replicas_and_subscribed_groups) {
    server_.clock().now_ms = t0 + 10;
    send(server_, instance_, "orders", "abc", 0, std::string("k1"));
    server_.clock().now_ms = t0 + 20;
    send(server_, instance_, "orders", "defg", 0);
    ASSERT_EQ(server_
                  .request("POST", post_delete_path(instance_, "orders"),
                           R"({"partitions":[{"partition":0,"offset":1}]})")
                  .status,
              200U);
    create_group(server_, instance_, "billing");
    ASSERT_EQ(server_
                  .request("PUT", engine_group_path(instance_, "billing") + "/reset-message-offset",
                           R"({"topic":"orders","partition":0,"message_offset":0})")
                  .status,
              204U);
    // A replica's size is its log's: the record batch holding "defg" (61 bytes of header, 11 of record).
    const int stored = 61 + 11;
    const auto replica = [](int broker, bool leader, int size) {
        return R"({"broker":)" + std::to_string(broker) + R"(,"leader":)" + (leader ? "true" : "false") +
               R"(,"in_sync":true,"size":)" + std::to_string(size) + R"(,"lag":0})";
    };
    expect_json(server_.request("GET", instance_path(instance_) + "/management/topics/orders"), 200,
                R"({"topic":"orders","group_subscribed":["billing"],"partitions":[
                    {"partition":0,"leader":0,"lso":1,"leo":2,"hw":2,"last_update_timestamp":1700000000020,"replicas":[)" +
                    replica(0, true, stored) + "," + replica(1, false, stored) + "," +
                    replica(2, false, stored) + R"(]},
                    {"partition":1,"leader":1,"lso":0,"leo":0,"hw":0,"last_update_timestamp":1700000000000,"replicas":[)" +
                    replica(1, true, 0) + "," + replica(2, false, 0) + "," + replica(0, false, 0) + R"(]},
                    {"partition":2,"leader":2,"lso":0,"leo":0,"hw":0,"last_update_timestamp":1700000000000,"replicas":[)" +
                    replica(2, true, 0) + "," + replica(0, false, 0) + "," + replica(1, false, 0) +
                    R"(]}]})");
    expect_dms_error(server_.request("GET", instance_path(instance_) + "/management/topics/refunds"), 400,
                     "DMS.00400062", invalid_topic);
    expect_dms_error(server_.request("GET", instance_path(unknown_instance) + "/management/topics/orders"),
                     404, "DMS.00404022", no_instance);
}

TEST_F(dms_topic_lifecycle, kafka_topic_detail_is_a_top_level_array) {
    ASSERT_EQ(
        server_.request("POST", topics_path(instance_), R"({"id":"audit","partition":2,"replication":2})")
            .status,
        200U);
    expect_json(server_.request("GET", dms_engine + "/instances/" + instance_ + "/topics-detail/audit"), 200,
                R"([{"topic":"audit","create_time":1700000000000,"partitions":[
                    {"partition":0,"leader":0,"replicas":[0,1]},{"partition":1,"leader":1,"replicas":[1,2]}]}])");
    expect_dms_error(
        server_.request("GET", dms_engine + "/instances/" + instance_ + "/topics-detail/refunds"), 400,
        "DMS.00400062", invalid_topic);
    expect_dms_error(
        server_.request("GET", dms_engine + "/instances/" + unknown_instance + "/topics-detail/audit"), 404,
        "DMS.00404022", no_instance);
}

// ==== ShowInstanceMessages, ShowMessages ================================================================

// Partition 0: a0 (key k1, t0+1000), a1 (key k2, t0+3000); partition 1: b0 (key k1, t0+2000); partition 2
// empty.
class dms_message_queries : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        server_.clock().now_ms = t0 + 1000;
        send(server_, instance_, "orders", "a0-red", 0, std::string("k1"));
        server_.clock().now_ms = t0 + 2000;
        send(server_, instance_, "orders", "b0-blue", 1, std::string("k1"));
        server_.clock().now_ms = t0 + 3000;
        send(server_, instance_, "orders", "a1-red-blue", 0, std::string("k2"));
        ASSERT_FALSE(HasFailure());
    }

    http_reply instance_messages(const std::string& query) const {
        return server_.request("GET", instance_path(instance_) + "/messages?" + query);
    }
    http_reply topic_messages(const std::string& query, const std::string& topic = "orders") const {
        return server_.request(
            "GET", instance_path(instance_) + "/management/topics/" + topic + "/messages?" + query);
    }

    test_server server_;
    std::string instance_;
};

std::string entity(int partition, int offset, int size, std::int64_t timestamp) {
    return R"({"topic":"orders","partition":)" + std::to_string(partition) + R"(,"message_offset":)" +
           std::to_string(offset) + R"(,"size":)" + std::to_string(size) + R"(,"timestamp":)" +
           std::to_string(timestamp) + R"(,"huge_message":false})";
}

std::string full_entity(int partition, int offset, const std::string& key, const std::string& value,
                        std::int64_t timestamp, const char* offset_key = "message_offset") {
    return R"({"topic":"orders","partition":)" + std::to_string(partition) + R"(,")" + offset_key + R"(":)" +
           std::to_string(offset) + R"(,"key":")" + key + R"(","value":")" + value + R"(","size":)" +
           std::to_string(key.size() + value.size()) + R"(,"timestamp":)" + std::to_string(timestamp) +
           R"(,"huge_message":false})";
}

TEST_F(dms_message_queries, by_time_answers_offsets_without_content_in_time_order) {
    expect_json(instance_messages("topic=orders&start_time=1700000000000&end_time=1700000009000"), 200,
                R"({"messages":[)" + entity(0, 0, 8, t0 + 1000) + "," + entity(1, 0, 9, t0 + 2000) + "," +
                    entity(0, 1, 13, t0 + 3000) + R"(],"total":3,"size":3})");
    expect_json(instance_messages("topic=orders&start_time=1700000001500&end_time=1700000009000&asc=false"),
                200,
                R"({"messages":[)" + entity(0, 1, 13, t0 + 3000) + "," + entity(1, 0, 9, t0 + 2000) +
                    R"(],"total":2,"size":2})");
    // offset is a 0-based page number; partition and message_offset are ignored in this mode.
    expect_json(
        instance_messages("topic=orders&start_time=0&end_time=1700000009000&limit=2&offset=1&partition=2"),
        200, R"({"messages":[)" + entity(0, 1, 13, t0 + 3000) + R"(],"total":3,"size":1})");
}

TEST_F(dms_message_queries, by_offset_key_and_keyword_answer_content) {
    expect_json(
        instance_messages("topic=orders&partition=0&message_offset=1"), 200,
        R"({"messages":[)" + full_entity(0, 1, "k2", "a1-red-blue", t0 + 3000) + R"(],"total":1,"size":1})");
    expect_json(instance_messages("topic=orders&partition=2&message_offset=0"), 200,
                R"({"messages":[],"total":0,"size":0})");
    expect_json(instance_messages("topic=orders&key=k1"), 200,
                R"({"messages":[)" + full_entity(0, 0, "k1", "a0-red", t0 + 1000) + "," +
                    full_entity(1, 0, "k1", "b0-blue", t0 + 2000) + R"(],"total":2,"size":2})");
    // Keyword searches carry the offset under "offset" and ignore paging (reference §6.2).
    expect_json(instance_messages("topic=orders&keyword=blue&limit=1&offset=3"), 200,
                R"({"messages":[)" + full_entity(1, 0, "k1", "b0-blue", t0 + 2000, "offset") + "," +
                    full_entity(0, 1, "k2", "a1-red-blue", t0 + 3000, "offset") + R"(],"total":2,"size":2})");
    expect_json(
        instance_messages("topic=orders&start_time=0&end_time=1700000009000&include=red&exclude=blue"), 200,
        R"({"messages":[)" + entity(0, 0, 8, t0 + 1000) + R"(],"total":1,"size":1})");
}

TEST_F(dms_message_queries, instance_messages_refuse_bad_queries) {
    expect_invalid_parameter(instance_messages("partition=0&message_offset=0"), "topic");
    expect_dms_error(instance_messages("topic=refunds&partition=0&message_offset=0"), 400, "DMS.00400062",
                     invalid_topic);
    expect_invalid_parameter(instance_messages("topic=orders"), "partition");
    expect_invalid_parameter(instance_messages("topic=orders&partition=0"), "message_offset");
    expect_invalid_parameter(instance_messages("topic=orders&partition=7&message_offset=0"), "partition");
    expect_invalid_parameter(instance_messages("topic=orders&start_time=x"), "start_time");
    expect_invalid_parameter(instance_messages("topic=orders&start_time=0&limit=0"), "limit");
    expect_invalid_parameter(instance_messages("topic=orders&start_time=0&asc=maybe"), "asc");
    expect_invalid_parameter(instance_messages("topic=orders&keyword=" + std::string(51, 'k')), "keyword");
    std::string many = "w0";
    for (int i = 1; i < 21; ++i) many += "%2Cw" + std::to_string(i);
    expect_invalid_parameter(instance_messages("topic=orders&start_time=0&include=" + many), "include");
    expect_dms_error(server_.request("GET", instance_path(unknown_instance) +
                                                "/messages?topic=orders&partition=0&message_offset=0"),
                     404, "DMS.00404022", no_instance);
}

TEST_F(dms_message_queries, show_messages_pages_from_one) {
    const auto row = [](int partition, int offset, int size, std::int64_t timestamp) {
        return R"({"topic":"orders","partition":)" + std::to_string(partition) + R"(,"message_offset":)" +
               std::to_string(offset) + R"(,"size":)" + std::to_string(size) + R"(,"timestamp":)" +
               std::to_string(timestamp) + "}";
    };
    expect_json(topic_messages(""), 200,
                R"({"messages":[)" + row(0, 0, 8, t0 + 1000) + "," + row(1, 0, 9, t0 + 2000) + "," +
                    row(0, 1, 13, t0 + 3000) + R"(],"messages_count":3,"offsets_count":1,"offset":1})");
    expect_json(topic_messages("offset=2&limit=2"), 200,
                R"({"messages":[)" + row(0, 1, 13, t0 + 3000) +
                    R"(],"messages_count":3,"offsets_count":2,"offset":2})");
    expect_json(topic_messages("offset=0&limit=2&partition=0"), 200,
                R"({"messages":[)" + row(0, 0, 8, t0 + 1000) + "," + row(0, 1, 13, t0 + 3000) +
                    R"(],"messages_count":2,"offsets_count":1,"offset":1})");
    expect_json(topic_messages("start_time=1700000001500&end_time=1700000002500"), 200,
                R"({"messages":[)" + row(1, 0, 9, t0 + 2000) +
                    R"(],"messages_count":1,"offsets_count":1,"offset":1})");
}

TEST_F(dms_message_queries, show_messages_refuses_bad_queries) {
    expect_dms_error(topic_messages("", "refunds"), 400, "DMS.00400062", invalid_topic);
    expect_invalid_parameter(topic_messages("partition=3"), "partition");
    expect_invalid_parameter(topic_messages("partition=-2"), "partition");
    expect_invalid_parameter(topic_messages("limit=0"), "limit");
    expect_invalid_parameter(topic_messages("offset=-1"), "offset");
    expect_invalid_parameter(topic_messages("end_time=soon"), "end_time");
}

// ==== retention ==========================================================================================

TEST_F(dms_message_queries, messages_older_than_the_retention_disappear_from_every_view) {
    ASSERT_EQ(
        server_.request("PUT", topics_path(instance_), R"({"topics":[{"id":"orders","retention_time":1}]})")
            .status,
        204U);
    // a0 was written at t0+1000: one hour later it is exactly at the limit and still there.
    server_.clock().now_ms = t0 + 1000 + hour_ms;
    EXPECT_EQ(server_.request("GET", partition_path(instance_, "orders", "0") + "/beginning-message")
                  .json()["offset"]
                  .GetInt64(),
              0);
    server_.clock().now_ms = t0 + 2000 + hour_ms + 1;  // a0 and b0 have expired, a1 not
    expect_json(server_.request("GET", partition_path(instance_, "orders", "0") + "/beginning-message"), 200,
                R"({"topic":"orders","partition":0,"offset":1,"timestamp":1700000003000})");
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=0"), 200,
        R"({"message":[]})");
    expect_json(server_.request("GET", partition_path(instance_, "orders", "1") + "/end-message"), 200,
                R"({"topic":"orders","partition":1,"offset":1,"timestamp":0})");
    const auto partitions = server_.request("GET", partitions_path(instance_, "orders")).json();
    EXPECT_EQ(partitions["partitions"][0]["start_offset"].GetInt64(), 1);
    EXPECT_EQ(partitions["partitions"][0]["message_count"].GetInt64(), 1);
    EXPECT_EQ(partitions["partitions"][1]["message_count"].GetInt64(), 0);
    EXPECT_EQ(topic_messages("").json()["messages_count"].GetInt64(), 1);
    expect_json(instance_messages("topic=orders&key=k1"), 200, R"({"messages":[],"total":0,"size":0})");
    EXPECT_EQ(server_.request("GET", instance_path(instance_) + "/management/topics/orders")
                  .json()["partitions"][0]["lso"]
                  .GetInt64(),
              1);
}

}  // namespace
}  // namespace emu::test
