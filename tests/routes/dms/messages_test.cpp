// DMS for Kafka message routes over real sockets: message deletion (POST .../messages/delete and its
// legacy DELETE-with-a-body twin), SendKafkaMessage, and the beginning/end/by-offset message reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/dms_client.hpp"

namespace emu::test {
namespace {

// ---- reads ---------------------------------------------------------------------------------------

struct position {
    std::int64_t offset = -1;
    std::int64_t timestamp = -1;
    bool operator==(const position&) const = default;
};
void PrintTo(const position& p, std::ostream* os) {
    *os << "{offset " << p.offset << ", timestamp " << p.timestamp << "}";
}

// beginning-message or end-message, its shape checked.
position read_position(const test_server& server, const std::string& instance, const std::string& topic,
                       int partition, const std::string& which) {
    const auto reply =
        server.request("GET", partition_path(instance, topic, std::to_string(partition)) + "/" + which);
    EXPECT_EQ(reply.status, 200U) << reply.body;
    expect_json_headers(reply);
    const auto body = reply.json();
    const bool shaped = body.IsObject() && body.MemberCount() == 4 && body.HasMember("topic") &&
                        body["topic"].IsString() && body.HasMember("partition") &&
                        body["partition"].IsInt() && body.HasMember("offset") && body["offset"].IsInt64() &&
                        body.HasMember("timestamp") && body["timestamp"].IsInt64();
    EXPECT_TRUE(shaped) << which << ": " << reply.body;
    if (!shaped) return {};
    EXPECT_EQ(body["topic"].GetString(), topic);
    EXPECT_EQ(body["partition"].GetInt(), partition);
    return {body["offset"].GetInt64(), body["timestamp"].GetInt64()};
}

position beginning(const test_server& server, const std::string& instance, int partition,
                   const std::string& topic = "orders") {
    return read_position(server, instance, topic, partition, "beginning-message");
}
position end(const test_server& server, const std::string& instance, int partition,
             const std::string& topic = "orders") {
    return read_position(server, instance, topic, partition, "end-message");
}

struct partition_row {
    std::int64_t start = -1;
    std::int64_t last = -1;
    std::int64_t count = -1;
    bool operator==(const partition_row&) const = default;
};
void PrintTo(const partition_row& r, std::ostream* os) {
    *os << "{start " << r.start << ", last " << r.last << ", count " << r.count << "}";
}

// ListTopicPartitions' row for one partition.
partition_row listed(const test_server& server, const std::string& instance, int partition,
                     const std::string& topic = "orders") {
    const auto reply = server.request("GET", partitions_path(instance, topic));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    if (!body.IsObject() || !body.HasMember("partitions") || !body["partitions"].IsArray()) {
        ADD_FAILURE() << reply.body;
        return {};
    }
    for (const auto& row : body["partitions"].GetArray()) {
        if (row["partition"].GetInt() != partition) continue;
        EXPECT_EQ(row["message_count"].GetInt64(),
                  row["last_offset"].GetInt64() - row["start_offset"].GetInt64());
        return {row["start_offset"].GetInt64(), row["last_offset"].GetInt64(),
                row["message_count"].GetInt64()};
    }
    ADD_FAILURE() << "no partition " << partition << " in " << reply.body;
    return {};
}

// The value of the message at `offset`, or nullopt when ShowPartitionMessage answers an empty list.
std::optional<std::string> message_value(const test_server& server, const std::string& instance,
                                         int partition, std::int64_t offset,
                                         const std::string& topic = "orders") {
    const auto reply = server.request("GET", partition_path(instance, topic, std::to_string(partition)) +
                                                 "/message?message_offset=" + std::to_string(offset));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    if (!body.IsObject() || !body.HasMember("message") || !body["message"].IsArray() ||
        body["message"].Size() > 1) {
        ADD_FAILURE() << reply.body;
        return std::nullopt;
    }
    if (body["message"].Empty()) return std::nullopt;
    const auto& message = body["message"][0];
    EXPECT_EQ(message["message_offset"].GetInt64(), offset);
    return std::string(message["value"].GetString());
}

// Everything a deletion could change, as one comparable text.
std::string log_state(const test_server& server, const std::string& instance,
                      const std::string& topic = "orders") {
    return server.request("GET", partitions_path(instance, topic)).body;
}

// ==== message deletion: both routes, same behaviour ===============================================

struct deletion_route {
    std::string label;
    std::string method;
    bool legacy;
    header_list headers;
};

std::ostream& operator<<(std::ostream& os, const deletion_route& route) {
    return os << route.label;
}

// What huaweicloudsdkkafka <= 3.1.174 sends for DeleteKafkaMessage: a DELETE with a JSON body.
const header_list old_sdk_headers{
    {"Content-Type", "application/json"},
    {"User-Agent", "huaweicloud-usdk-python/3.0"},
    {"X-Project-Id", project_id},
    {"X-Sdk-Date", "20231114T221320Z"},
    {"Authorization",
     "SDK-HMAC-SHA256 Access=EMULATORACCESSKEY, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
     "Signature=0000000000000000000000000000000000000000000000000000000000000000"},
};

// Partition 0 holds m0..m4 (offsets 0-4, written at t0, t0+1s, ... t0+4s); partition 1 holds n0, n1
// (t0+5s, t0+6s); partition 2 is empty.
class dms_message_deletion : public ::testing::TestWithParam<deletion_route> {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        for (int i = 0; i < 5; ++i) {
            send(server_, instance_, "orders", "m" + std::to_string(i), 0);
            server_.clock().now_ms += 1000;
        }
        for (int i = 0; i < 2; ++i) {
            send(server_, instance_, "orders", "n" + std::to_string(i), 1);
            server_.clock().now_ms += 1000;
        }
        ASSERT_FALSE(HasFailure());
    }

    http_reply remove(const std::string& body, const std::string& topic = "orders",
                      const std::string& instance = "") const {
        const std::string& id = instance.empty() ? instance_ : instance;
        const auto& route = GetParam();
        return server_.request(route.method,
                               route.legacy ? legacy_delete_path(id, topic) : post_delete_path(id, topic),
                               body, route.headers);
    }

    // A rejected request must leave every partition as it was.
    void expect_rejected_without_change(const std::string& body, unsigned status, const std::string& code,
                                        const std::string& message, const std::string& topic = "orders",
                                        const std::string& instance = "") {
        const auto before = log_state(server_, instance_);
        expect_dms_error(remove(body, topic, instance), status, code, message);
        EXPECT_EQ(log_state(server_, instance_), before) << "after " << body;
    }

    test_server server_;
    std::string instance_;
};

TEST_P(dms_message_deletion, offset_inside_the_log_moves_the_start_and_keeps_the_end) {
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":3}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"success","error_code":0}]})");

    EXPECT_EQ(beginning(server_, instance_, 0), (position{3, t0 + 3000}));
    EXPECT_EQ(end(server_, instance_, 0), (position{4, t0 + 4000}));
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{3, 5, 2}));
    EXPECT_EQ(message_value(server_, instance_, 0, 0), std::nullopt);
    EXPECT_EQ(message_value(server_, instance_, 0, 2), std::nullopt);
    EXPECT_EQ(message_value(server_, instance_, 0, 3), "m3");
    EXPECT_EQ(message_value(server_, instance_, 0, 4), "m4");
    EXPECT_EQ(listed(server_, instance_, 1), (partition_row{0, 2, 2})) << "other partitions are untouched";
}

TEST_P(dms_message_deletion, the_error_code_is_the_json_number_zero) {
    const auto reply = remove(R"({"partitions":[{"partition":0,"offset":1}]})");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    const auto& entry = body["partitions"][0];
    EXPECT_TRUE(entry["partition"].IsInt());
    EXPECT_TRUE(entry["result"].IsString());
    ASSERT_TRUE(entry["error_code"].IsInt()) << reply.body;
    EXPECT_EQ(entry["error_code"].GetInt(), 0);
}

TEST_P(dms_message_deletion, minus_one_deletes_everything) {
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":-1}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"success","error_code":0}]})");

    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{5, 5, 0}));
    EXPECT_EQ(beginning(server_, instance_, 0), (position{5, 0}));
    EXPECT_EQ(end(server_, instance_, 0), (position{5, 0}))
        << "an empty log answers its start with timestamp 0";
    EXPECT_EQ(message_value(server_, instance_, 0, 4), std::nullopt);
    EXPECT_EQ(message_value(server_, instance_, 0, 5), std::nullopt);

    // Appending continues at the old end.
    send(server_, instance_, "orders", "m5", 0);
    EXPECT_EQ(message_value(server_, instance_, 0, 5), "m5");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{5, 6, 1}));
}

TEST_P(dms_message_deletion, offset_at_the_end_deletes_everything) {
    expect_json(remove(R"({"partitions":[{"partition":1,"offset":2}]})"), 200,
                R"({"partitions":[{"partition":1,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 1), (partition_row{2, 2, 0}));
    EXPECT_EQ(end(server_, instance_, 1), (position{2, 0}));
}

TEST_P(dms_message_deletion, offset_beyond_the_end_fails_that_entry_only) {
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":6},{"partition":1,"offset":1}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"failed","error_code":1},
                                  {"partition":1,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 5, 5}));
    EXPECT_EQ(message_value(server_, instance_, 0, 0), "m0");
    EXPECT_EQ(listed(server_, instance_, 1), (partition_row{1, 2, 1}));
    EXPECT_EQ(beginning(server_, instance_, 1), (position{1, t0 + 6000}));
}

TEST_P(dms_message_deletion, offset_beyond_the_end_of_an_empty_partition_fails) {
    expect_json(remove(R"({"partitions":[{"partition":2,"offset":1}]})"), 200,
                R"({"partitions":[{"partition":2,"result":"failed","error_code":1}]})");
    EXPECT_EQ(listed(server_, instance_, 2), (partition_row{0, 0, 0}));
}

TEST_P(dms_message_deletion, negative_offsets_other_than_minus_one_are_out_of_range) {
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":-2}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"failed","error_code":1}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 5, 5}));
}

TEST_P(dms_message_deletion, offset_at_or_below_the_start_is_a_successful_no_op) {
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":0},{"partition":2,"offset":0}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"success","error_code":0},
                                  {"partition":2,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 5, 5}));
    EXPECT_EQ(message_value(server_, instance_, 0, 0), "m0");

    ASSERT_EQ(remove(R"({"partitions":[{"partition":0,"offset":3}]})").status, 200U);
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":2},{"partition":0,"offset":3}]})"), 200,
                R"({"partitions":[{"partition":0,"result":"success","error_code":0},
                                  {"partition":0,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{3, 5, 2}));
    EXPECT_EQ(beginning(server_, instance_, 0), (position{3, t0 + 3000}));
    EXPECT_EQ(message_value(server_, instance_, 0, 3), "m3");
}

TEST_P(dms_message_deletion, unknown_partition_fails_that_entry_only) {
    expect_json(remove(R"({"partitions":[{"partition":7,"offset":1},{"partition":0,"offset":2},
                                         {"partition":-1,"offset":1}]})"),
                200,
                R"({"partitions":[{"partition":7,"result":"failed","error_code":3},
                                  {"partition":0,"result":"success","error_code":0},
                                  {"partition":-1,"result":"failed","error_code":3}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{2, 5, 3}));
}

TEST_P(dms_message_deletion, results_follow_the_request_order) {
    expect_json(remove(R"({"partitions":[{"partition":2,"offset":0},{"partition":1,"offset":9},
                                         {"partition":0,"offset":4},{"partition":5,"offset":0},
                                         {"partition":1,"offset":1}]})"),
                200,
                R"({"partitions":[{"partition":2,"result":"success","error_code":0},
                                  {"partition":1,"result":"failed","error_code":1},
                                  {"partition":0,"result":"success","error_code":0},
                                  {"partition":5,"result":"failed","error_code":3},
                                  {"partition":1,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{4, 5, 1}));
    EXPECT_EQ(listed(server_, instance_, 1), (partition_row{1, 2, 1}));
    EXPECT_EQ(listed(server_, instance_, 2), (partition_row{0, 0, 0}));
}

TEST_P(dms_message_deletion, the_end_offset_never_changes) {
    for (const auto* body :
         {R"({"partitions":[{"partition":0,"offset":2}]})", R"({"partitions":[{"partition":0,"offset":9}]})",
          R"({"partitions":[{"partition":0,"offset":1}]})", R"({"partitions":[{"partition":0,"offset":-1}]})",
          R"({"partitions":[{"partition":0,"offset":-1}]})"}) {
        ASSERT_EQ(remove(body).status, 200U) << body;
        EXPECT_EQ(listed(server_, instance_, 0).last, 5) << body;
    }
    EXPECT_EQ(end(server_, instance_, 0).offset, 5);
}

TEST_P(dms_message_deletion, an_empty_or_missing_partitions_list_answers_an_empty_list) {
    for (const auto* body : {R"({"partitions":[]})", "{}", R"({"partitions":null})"}) {
        const auto before = log_state(server_, instance_);
        expect_json(remove(body), 200, R"({"partitions":[]})");
        EXPECT_EQ(log_state(server_, instance_), before) << body;
    }
}

TEST_P(dms_message_deletion, an_entry_without_partition_or_offset_is_rejected_and_changes_nothing) {
    // The good first entry must not be applied either: the request is refused as a whole.
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3},{"partition":1}]})", 400,
                                   "DMS.00400062", "Invalid partitions[1].offset parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3},{"offset":1}]})", 400,
                                   "DMS.00400062",
                                   "Invalid partitions[1].partition parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{}]})", 400, "DMS.00400062",
                                   "Invalid partitions[0].partition parameter in the request.");
    EXPECT_EQ(message_value(server_, instance_, 0, 0), "m0");
}

TEST_P(dms_message_deletion, mistyped_fields_are_rejected_naming_the_parameter) {
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":"3"}]})", 400, "DMS.00400062",
                                   "Invalid partitions[0].offset parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{"partition":"0","offset":3}]})", 400, "DMS.00400062",
                                   "Invalid partitions[0].partition parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":2.5}]})", 400, "DMS.00400062",
                                   "Invalid partitions[0].offset parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":true}]})", 400, "DMS.00400062",
                                   "Invalid partitions[0].offset parameter in the request.");
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3},7]})", 400, "DMS.00400062",
                                   "Invalid partitions[1] parameter in the request.");
    expect_rejected_without_change(R"({"partitions":{"partition":0,"offset":3}})", 400, "DMS.00400062",
                                   "Invalid partitions parameter in the request.");
}

TEST_P(dms_message_deletion, unusable_bodies_are_rejected_and_change_nothing) {
    const std::string message = "The message body is not in JSON format or contains invalid characters.";
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3}])", 400, "DMS.00400005",
                                   message);
    expect_rejected_without_change(R"([{"partition":0,"offset":3}])", 400, "DMS.00400005", message);
    expect_rejected_without_change("partitions=0", 400, "DMS.00400005", message);
    expect_rejected_without_change("{\"partitions\":[],\"x\":\"\xff\"}", 400, "DMS.00400005", message);
}

TEST_P(dms_message_deletion, unknown_topic_is_an_invalid_topic) {
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3}]})", 400, "DMS.00400062",
                                   invalid_topic, "payments");
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3}]})", 400, "DMS.00400062",
                                   invalid_topic, "Orders");
}

TEST_P(dms_message_deletion, unknown_instance_is_not_found) {
    expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3}]})", 404, "DMS.00404022",
                                   "This DMS instance does not exist.", "orders", unknown_instance);
}

TEST_P(dms_message_deletion, malformed_instance_id_is_refused) {
    for (const auto& id : {std::string("not-a-uuid"), instance_.substr(0, 35), instance_ + "0",
                           std::string("0b6f3c1e04d2a-4f8b-9c7d-1e2f3a4b5c6d"),
                           std::string("0b6f3c1e-4d2a-4f8b-9c7d-1e2f3a4b5c6g")}) {
        expect_rejected_without_change(R"({"partitions":[{"partition":0,"offset":3}]})", 400, "DMS.00400030",
                                       "Invalid DMS instance id. The id must be a uuid.", "orders", id);
    }
}

TEST_P(dms_message_deletion, malformed_project_id_is_refused) {
    const auto& route = GetParam();
    for (const std::string project :
         {"not-a-project", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdeg"}) {
        const std::string path = "/v2/" + project + "/kafka/instances/" + instance_ +
                                 "/topics/orders/messages" + (route.legacy ? "" : "/delete");
        const auto before = log_state(server_, instance_);
        expect_dms_error(server_.request(route.method, path, R"({"partitions":[{"partition":0,"offset":3}]})",
                                         route.headers),
                         400, "DMS.00400002", "The project ID format is invalid.");
        EXPECT_EQ(log_state(server_, instance_), before);
    }
}

TEST_P(dms_message_deletion, another_projects_instance_is_not_found) {
    const auto& route = GetParam();
    const std::string path = "/v2/" + other_project_id + "/kafka/instances/" + instance_ +
                             "/topics/orders/messages" + (route.legacy ? "" : "/delete");
    const auto before = log_state(server_, instance_);
    expect_dms_error(
        server_.request(route.method, path, R"({"partitions":[{"partition":0,"offset":3}]})", route.headers),
        404, "DMS.00404022", "This DMS instance does not exist.");
    EXPECT_EQ(log_state(server_, instance_), before);
}

TEST_P(dms_message_deletion, percent_encoded_topic_names_are_decoded) {
    create_topic(server_, instance_, "orders.v1", 1);
    send(server_, instance_, "orders.v1", "a", 0);
    send(server_, instance_, "orders.v1", "b", 0);
    expect_json(remove(R"({"partitions":[{"partition":0,"offset":1}]})", "orders%2Ev1"), 200,
                R"({"partitions":[{"partition":0,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server_, instance_, 0, "orders%2ev1"), (partition_row{1, 2, 1}));
    EXPECT_EQ(message_value(server_, instance_, 0, 1, "orders.v1"), "b");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 5, 5})) << "a different topic";
}

TEST_P(dms_message_deletion, an_instance_that_is_not_running_refuses) {
    state::instance_spec spec;
    spec.name = "creating-instance";
    spec.status = "CREATING";
    const auto info = server_.state().kafka.create_instance(project_id, spec);
    state::topic_spec topic;
    topic.name = "orders";
    server_.state().kafka.cluster(project_id, info.spec.instance_id)->create_topic(topic);
    expect_dms_error(
        remove(R"({"partitions":[{"partition":0,"offset":-1}]})", "orders", info.spec.instance_id), 400,
        "DMS.00400026", "This operation is not allowed due to the instance status.");
}

INSTANTIATE_TEST_SUITE_P(dms, dms_message_deletion,
                         ::testing::Values(deletion_route{"post_messages_delete", "POST", false, {}},
                                           deletion_route{"legacy_delete_with_body", "DELETE", true,
                                                          old_sdk_headers}),
                         [](const auto& route_info) { return route_info.param.label; });

TEST(dms_message_deletion_routes, an_empty_post_body_is_refused) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    send(server, instance, "orders", "a", 0);
    const auto before = log_state(server, instance);
    for (const auto* body : {"", "  \r\n"}) {
        expect_dms_error(server.request("POST", post_delete_path(instance, "orders"), body), 400,
                         "DMS.00400004", "The request body is empty.");
    }
    EXPECT_EQ(log_state(server, instance), before);
}

TEST(dms_message_deletion_routes, both_routes_share_one_log) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    for (int i = 0; i < 4; ++i) send(server, instance, "orders", "m" + std::to_string(i), 0);
    ASSERT_EQ(server
                  .request("POST", post_delete_path(instance, "orders"),
                           R"({"partitions":[{"partition":0,"offset":1}]})")
                  .status,
              200U);
    expect_json(server.request("DELETE", legacy_delete_path(instance, "orders"),
                               R"({"partitions":[{"partition":0,"offset":3}]})", old_sdk_headers),
                200, R"({"partitions":[{"partition":0,"result":"success","error_code":0}]})");
    EXPECT_EQ(listed(server, instance, 0), (partition_row{3, 4, 1}));
}

TEST(dms_message_deletion_routes, other_methods_on_the_deletion_paths_are_gateway_404s) {
    test_server server;
    const auto instance = create_instance(server);
    create_topic(server, instance, "orders", 1);
    send(server, instance, "orders", "a", 0);
    const auto before = log_state(server, instance);
    const std::string body = R"({"partitions":[{"partition":0,"offset":-1}]})";
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", post_delete_path(instance, "orders")},
             {"DELETE", post_delete_path(instance, "orders")},
             {"PUT", post_delete_path(instance, "orders")},
             {"POST", legacy_delete_path(instance, "orders")},
             {"GET", legacy_delete_path(instance, "orders")},
             {"PATCH", legacy_delete_path(instance, "orders")}}) {
        SCOPED_TRACE(method + " " + path);
        const auto reply = server.request(method, path, body);
        expect_json(
            reply, 404,
            R"({"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment.","request_id":")" +
                reply.header("x-request-id") + R"("})");
    }
    EXPECT_EQ(log_state(server, instance), before);
}

// ==== SendKafkaMessage =============================================================================

class dms_send_message : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        ASSERT_FALSE(HasFailure());
    }

    http_reply post(const std::string& body, const std::string& query = "?action_id=send") const {
        return server_.request("POST", send_path(instance_, query), body);
    }

    void expect_rejected_without_change(const http_reply& reply, unsigned status, const std::string& code,
                                        const std::string& message, const std::string& before) {
        expect_dms_error(reply, status, code, message);
        EXPECT_EQ(log_state(server_, instance_), before);
    }

    test_server server_;
    std::string instance_;
};

TEST_F(dms_send_message, answers_topic_body_and_an_empty_property_list) {
    expect_json(post(send_body("orders", "hello", 2, "k1")), 200,
                R"({"topic":"orders","body":"hello","property_list":[]})");
    expect_json(post(R"({"topic":"orders","body":"","property_list":[]})"), 200,
                R"({"topic":"orders","body":"","property_list":[]})");
}

TEST_F(dms_send_message, partition_and_key_properties_place_and_label_the_message) {
    server_.clock().now_ms = t0 + 42;
    ASSERT_EQ(post(send_body("orders", "hello", 2, "k1")).status, 200U);

    EXPECT_EQ(listed(server_, instance_, 2), (partition_row{0, 1, 1}));
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 0, 0}));
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "2") + "/message?message_offset=0"), 200,
        R"({"message":[{"key":"k1","value":"hello","topic":"orders","partition":2,"message_offset":0,
                                "size":7,"timestamp":1700000000042}]})");
}

TEST_F(dms_send_message, a_message_without_key_has_a_null_key) {
    ASSERT_EQ(post(send_body("orders", "v", 1, std::nullopt)).status, 200U);
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "1") + "/message?message_offset=0"), 200,
        R"({"message":[{"key":null,"value":"v","topic":"orders","partition":1,"message_offset":0,
                                "size":1,"timestamp":1700000000000}]})");
}

TEST_F(dms_send_message, messages_append_at_the_end_with_the_server_time) {
    for (int i = 0; i < 3; ++i) {
        server_.clock().now_ms = t0 + 1000 * (i + 1);
        ASSERT_EQ(post(send_body("orders", "m" + std::to_string(i), 0, std::nullopt)).status, 200U);
    }
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 3, 3}));
    EXPECT_EQ(beginning(server_, instance_, 0), (position{0, t0 + 1000}));
    EXPECT_EQ(end(server_, instance_, 0), (position{2, t0 + 3000}));
    EXPECT_EQ(message_value(server_, instance_, 0, 1), "m1");
}

TEST_F(dms_send_message, one_key_always_lands_in_one_partition) {
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(post(send_body("orders", "v", std::nullopt, "customer-7")).status, 200U);
    std::vector<std::int64_t> counts;
    for (int p = 0; p < 3; ++p) counts.push_back(listed(server_, instance_, p).count);
    std::sort(counts.begin(), counts.end());
    EXPECT_EQ(counts, (std::vector<std::int64_t>{0, 0, 4}));
}

TEST_F(dms_send_message, without_key_or_partition_messages_go_round_robin) {
    for (int i = 0; i < 6; ++i)
        ASSERT_EQ(post(R"({"topic":"orders","body":"v","property_list":[]})").status, 200U);
    for (int p = 0; p < 3; ++p) EXPECT_EQ(listed(server_, instance_, p), (partition_row{0, 2, 2})) << p;
}

TEST_F(dms_send_message, other_properties_and_a_missing_property_list_are_accepted) {
    expect_json(post(R"({"topic":"orders","body":"a","property_list":[{"name":"trace-id","value":"t-1"},
                                                                        {"name":"PARTITION","value":"1"}]})"),
                200, R"({"topic":"orders","body":"a","property_list":[]})");
    expect_json(post(R"({"topic":"orders","body":"b"})"), 200,
                R"({"topic":"orders","body":"b","property_list":[]})");
    EXPECT_EQ(message_value(server_, instance_, 1, 0), "a");
}

TEST_F(dms_send_message, action_id_must_be_send) {
    const auto before = log_state(server_, instance_);
    const auto body = send_body("orders", "v", 0, std::nullopt);
    for (const std::string query :
         {"", "?action_id=", "?action_id=SEND", "?action_id=receive", "?action=send"}) {
        expect_rejected_without_change(post(body, query), 400, "DMS.00400062",
                                       "Invalid action_id parameter in the request.", before);
    }
}

TEST_F(dms_send_message, the_query_is_percent_decoded_and_other_parameters_are_ignored) {
    expect_json(post(send_body("orders", "v", 0, std::nullopt), "?action%5Fid=%73end&z=1"), 200,
                R"({"topic":"orders","body":"v","property_list":[]})");
    EXPECT_EQ(listed(server_, instance_, 0), (partition_row{0, 1, 1}));
}

TEST_F(dms_send_message, missing_or_mistyped_fields_are_rejected_naming_the_parameter) {
    const auto before = log_state(server_, instance_);
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"body":"v","property_list":[]})", "topic"},
        {R"({"topic":7,"body":"v","property_list":[]})", "topic"},
        {R"({"topic":"orders","property_list":[]})", "body"},
        {R"({"topic":"orders","body":{"a":1},"property_list":[]})", "body"},
        {R"({"topic":"orders","body":"v","property_list":{"name":"KEY","value":"k"}})", "property_list"},
        {R"({"topic":"orders","body":"v","property_list":["KEY"]})", "property_list[0]"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"KEY"}]})", "property_list[0].value"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"KEY","value":"k"},{"value":"1"}]})",
         "property_list[1].name"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"PARTITION","value":1}]})",
         "property_list[0].value"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"PARTITION","value":"one"}]})",
         "PARTITION"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"PARTITION","value":"-1"}]})", "PARTITION"},
        {R"({"topic":"orders","body":"v","property_list":[{"name":"PARTITION","value":"3"}]})", "partition"},
    };
    for (const auto& [body, name] : cases) {
        SCOPED_TRACE(body);
        expect_rejected_without_change(post(body), 400, "DMS.00400062",
                                       "Invalid " + name + " parameter in the request.", before);
    }
}

TEST_F(dms_send_message, unusable_bodies_are_refused) {
    const auto before = log_state(server_, instance_);
    expect_rejected_without_change(post(""), 400, "DMS.00400004", "The request body is empty.", before);
    const std::string not_json = "The message body is not in JSON format or contains invalid characters.";
    expect_rejected_without_change(post(R"({"topic":"orders","body":"v")"), 400, "DMS.00400005", not_json,
                                   before);
    expect_rejected_without_change(post(R"(["orders"])"), 400, "DMS.00400005", not_json, before);
}

TEST_F(dms_send_message, unknown_topic_instance_and_malformed_ids_are_refused) {
    const auto before = log_state(server_, instance_);
    const auto body = send_body("payments", "v", 0, std::nullopt);
    expect_rejected_without_change(post(body), 400, "DMS.00400062", invalid_topic, before);
    const auto good = send_body("orders", "v", 0, std::nullopt);
    expect_rejected_without_change(server_.request("POST", send_path(unknown_instance), good), 404,
                                   "DMS.00404022", "This DMS instance does not exist.", before);
    expect_rejected_without_change(server_.request("POST", send_path("orders-instance"), good), 400,
                                   "DMS.00400030", "Invalid DMS instance id. The id must be a uuid.", before);
    expect_rejected_without_change(
        server_.request("POST", "/v2/PROJECT/instances/" + instance_ + "/messages/action?action_id=send",
                        good),
        400, "DMS.00400002", "The project ID format is invalid.", before);
    expect_rejected_without_change(
        server_.request(
            "POST", "/v2/" + other_project_id + "/instances/" + instance_ + "/messages/action?action_id=send",
            good),
        404, "DMS.00404022", "This DMS instance does not exist.", before);
}

TEST_F(dms_send_message, an_instance_that_is_not_running_refuses) {
    state::instance_spec spec;
    spec.name = "frozen-instance";
    spec.status = "FROZEN";
    const auto info = server_.state().kafka.create_instance(project_id, spec);
    state::topic_spec topic;
    topic.name = "orders";
    server_.state().kafka.cluster(project_id, info.spec.instance_id)->create_topic(topic);
    expect_dms_error(
        server_.request("POST", send_path(info.spec.instance_id), send_body("orders", "v", 0, std::nullopt)),
        400, "DMS.00400026", "This operation is not allowed due to the instance status.");
    EXPECT_EQ(listed(server_, info.spec.instance_id, 0), (partition_row{0, 0, 0}));
}

TEST_F(dms_send_message, get_on_the_action_path_is_a_gateway_404) {
    const auto reply = server_.request("GET", send_path(instance_));
    expect_json(
        reply, 404,
        R"({"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment.","request_id":")" +
            reply.header("x-request-id") + R"("})");
}

// ==== beginning-message, end-message, message by offset ============================================

class dms_partition_reads : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 2);
        ASSERT_FALSE(HasFailure());
    }

    test_server server_;
    std::string instance_;
};

TEST_F(dms_partition_reads, an_empty_partition_answers_offset_zero_and_timestamp_zero) {
    for (const auto* which : {"beginning-message", "end-message"}) {
        expect_json(server_.request("GET", partition_path(instance_, "orders", "1") + "/" + which), 200,
                    R"({"topic":"orders","partition":1,"offset":0,"timestamp":0})");
    }
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "1") + "/message?message_offset=0"), 200,
        R"({"message":[]})");
}

TEST_F(dms_partition_reads, beginning_and_end_name_the_first_and_last_stored_message) {
    server_.clock().now_ms = t0 + 10;
    send(server_, instance_, "orders", "first", 0, "k");
    server_.clock().now_ms = t0 + 20;
    send(server_, instance_, "orders", "middle", 0);
    server_.clock().now_ms = t0 + 30;
    send(server_, instance_, "orders", "last", 0);
    server_.clock().now_ms = t0 + 99;  // reads do not use the clock

    expect_json(server_.request("GET", partition_path(instance_, "orders", "0") + "/beginning-message"), 200,
                R"({"topic":"orders","partition":0,"offset":0,"timestamp":1700000000010})");
    expect_json(server_.request("GET", partition_path(instance_, "orders", "0") + "/end-message"), 200,
                R"({"topic":"orders","partition":0,"offset":2,"timestamp":1700000000030})");
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=0"), 200,
        R"({"message":[{"key":"k","value":"first","topic":"orders","partition":0,"message_offset":0,
                                "size":6,"timestamp":1700000000010}]})");
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=1"), 200,
        R"({"message":[{"key":null,"value":"middle","topic":"orders","partition":0,"message_offset":1,
                                "size":6,"timestamp":1700000000020}]})");
}

TEST_F(dms_partition_reads, after_a_deletion_the_beginning_moves_and_older_offsets_are_empty) {
    for (int i = 0; i < 4; ++i) {
        server_.clock().now_ms = t0 + 100 * i;
        send(server_, instance_, "orders", "m" + std::to_string(i), 0);
    }
    ASSERT_EQ(server_
                  .request("POST", post_delete_path(instance_, "orders"),
                           R"({"partitions":[{"partition":0,"offset":2}]})")
                  .status,
              200U);
    expect_json(server_.request("GET", partition_path(instance_, "orders", "0") + "/beginning-message"), 200,
                R"({"topic":"orders","partition":0,"offset":2,"timestamp":1700000000200})");
    expect_json(server_.request("GET", partition_path(instance_, "orders", "0") + "/end-message"), 200,
                R"({"topic":"orders","partition":0,"offset":3,"timestamp":1700000000300})");
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=1"), 200,
        R"({"message":[]})");
    expect_json(
        server_.request("GET", partition_path(instance_, "orders", "0") + "/message?message_offset=2"), 200,
        R"({"message":[{"key":null,"value":"m2","topic":"orders","partition":0,"message_offset":2,
                                "size":2,"timestamp":1700000000200}]})");
}

TEST_F(dms_partition_reads, offsets_outside_the_log_answer_an_empty_list) {
    send(server_, instance_, "orders", "only", 0);
    for (const auto* offset : {"1", "2", "-1", "9223372036854775807"}) {
        expect_json(server_.request("GET", partition_path(instance_, "orders", "0") +
                                               "/message?message_offset=" + offset),
                    200, R"({"message":[]})");
    }
}

TEST_F(dms_partition_reads, message_offset_must_be_an_integer) {
    const auto base = partition_path(instance_, "orders", "0") + "/message";
    for (const auto* query : {"", "?message_offset=", "?message_offset=abc", "?message_offset=1.5",
                              "?message_offset=+1", "?offset=0", "?message_offset=99999999999999999999"}) {
        expect_invalid_parameter(server_.request("GET", base + query), "message_offset");
    }
}

TEST_F(dms_partition_reads, bad_or_unknown_partitions_are_invalid_parameters) {
    for (const auto* which : {"/beginning-message", "/end-message", "/message?message_offset=0"}) {
        for (const auto* partition : {"x", "-1", "2", "1.0", "2147483648"}) {
            SCOPED_TRACE(std::string(partition) + which);
            expect_invalid_parameter(
                server_.request("GET", partition_path(instance_, "orders", partition) + which), "partition");
        }
    }
}

TEST_F(dms_partition_reads, unknown_topic_instance_and_malformed_ids_are_refused) {
    for (const auto* which : {"/beginning-message", "/end-message", "/message?message_offset=0"}) {
        SCOPED_TRACE(which);
        expect_dms_error(server_.request("GET", partition_path(instance_, "payments", "0") + which), 400,
                         "DMS.00400062", invalid_topic);
        expect_dms_error(server_.request("GET", partition_path(unknown_instance, "orders", "0") + which), 404,
                         "DMS.00404022", "This DMS instance does not exist.");
        expect_dms_error(server_.request("GET", partition_path("12345", "orders", "0") + which), 400,
                         "DMS.00400030", "Invalid DMS instance id. The id must be a uuid.");
        expect_dms_error(server_.request("GET", "/v2/project/instances/" + instance_ +
                                                    "/management/topics/orders/partitions/0" + which),
                         400, "DMS.00400002", "The project ID format is invalid.");
    }
}

TEST_F(dms_partition_reads, percent_encoded_topic_names_are_decoded) {
    create_topic(server_, instance_, "app.events_v-1", 1);
    server_.clock().now_ms = t0 + 5;
    send(server_, instance_, "app.events_v-1", "e", 0);
    expect_json(
        server_.request("GET", partition_path(instance_, "app%2Eevents%5Fv%2D1", "0") + "/end-message"), 200,
        R"({"topic":"app.events_v-1","partition":0,"offset":0,"timestamp":1700000000005})");
    expect_json(
        server_.request("GET",
                        partition_path(instance_, "app%2eevents_v-1", "0") + "/message?message_offset=0"),
        200,
        R"({"message":[{"key":null,"value":"e","topic":"app.events_v-1","partition":0,"message_offset":0,
                                "size":1,"timestamp":1700000000005}]})");
}

TEST_F(dms_partition_reads, other_methods_are_gateway_404s) {
    for (const auto* which : {"/beginning-message", "/end-message", "/message?message_offset=0"}) {
        const auto reply = server_.request("POST", partition_path(instance_, "orders", "0") + which, "{}");
        expect_json(
            reply, 404,
            R"({"error_code":"APIG.0101","error_msg":"The API does not exist or has not been published in the environment.","request_id":")" +
                reply.header("x-request-id") + R"("})");
    }
}

}  // namespace
}  // namespace emu::test
