// Route tests for the DIS checkpoint endpoints (reference dis-api.md §7, §10 Q1-Q5, Q8): the real server
// over real sockets, asserting exact status, headers, codes and messages, and that a refused request
// changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

struct checkpoint {
    std::string sequence_number;
    std::string metadata;
    friend bool operator==(const checkpoint&, const checkpoint&) = default;
    friend std::ostream& operator<<(std::ostream& out, const checkpoint& c) {
        return out << "{" << c.sequence_number << ", '" << c.metadata << "'}";
    }
};

const checkpoint none{"-1", ""};

http_reply create_stream(const test_server& server, const std::string& name, int partitions,
                         const std::string& project = project_id) {
    return server.request(
        "POST", path("/streams", project),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + "}");
}

// Appends `count` records to one partition.
http_reply send_records(const test_server& server, const std::string& stream, const std::string& partition,
                        int count, const std::string& project = project_id) {
    std::string records;
    for (int i = 0; i < count; ++i) {
        records +=
            std::string(i == 0 ? "" : ",") + R"({"data":"ZGF0YQ==","partition_id":")" + partition + R"("})";
    }
    return server.request("POST", path("/records", project),
                          R"({"stream_name":")" + stream + R"(","records":[)" + records + "]}");
}

std::string commit_body(const std::string& app, const std::string& stream, const std::string& partition,
                        const std::string& sequence, const std::string& metadata) {
    return R"({"app_name":")" + app + R"(","checkpoint_type":"LAST_READ","stream_name":")" + stream +
           R"(","partition_id":")" + partition + R"(","sequence_number":")" + sequence + R"(","metadata":")" +
           metadata + R"("})";
}

http_reply commit(const test_server& server, const std::string& app, const std::string& stream,
                  const std::string& partition, const std::string& sequence, const std::string& metadata = "",
                  const std::string& project = project_id) {
    return server.request("POST", path("/checkpoints", project),
                          commit_body(app, stream, partition, sequence, metadata));
}

http_reply show_checkpoint(const test_server& server, const std::string& query,
                           const std::string& project = project_id) {
    return server.request("GET", path("/checkpoints?" + query, project));
}

// The committed checkpoint of (app, stream, partition), or {"-1", ""} when none exists.
checkpoint checkpoint_of(const test_server& server, const std::string& app, const std::string& stream,
                         const std::string& partition, const std::string& project = project_id) {
    const auto reply = show_checkpoint(
        server,
        "app_name=" + app + "&checkpoint_type=LAST_READ&partition_id=" + partition + "&stream_name=" + stream,
        project);
    EXPECT_TRUE(is_json_answer(reply));
    rapidjson::Document body;
    body.Parse(reply.body.c_str(), reply.body.size());
    if (body.HasParseError() || !body.IsObject() || body.MemberCount() != 2 ||
        !body.HasMember("sequence_number") || !body["sequence_number"].IsString() ||
        !body.HasMember("metadata") || !body["metadata"].IsString()) {
        ADD_FAILURE() << "not a checkpoint body: " << reply.body;
        return {"<invalid>", reply.body};
    }
    return {body["sequence_number"].GetString(), body["metadata"].GetString()};
}

// The SDK's DELETE: query already sorted, Content-Type: application/json, no body.
http_reply delete_checkpoint(const test_server& server, const std::string& query,
                             const std::string& project = project_id, const header_list& headers = {}) {
    return server.request("DELETE", path("/checkpoints?" + query, project), {}, headers);
}

// Two streams and two apps, every partition holding records so any checkpoint in [0, 3] is valid:
// "orders" has 3 partitions with 3 records each, "payments" 2 partitions with 3 records each.
class checkpoint_fixture : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(create_stream(server, "orders", 3).status, 201U);
        ASSERT_EQ(create_stream(server, "payments", 2).status, 201U);
        ASSERT_EQ(create_app(server, "billing").status, 201U);
        ASSERT_EQ(create_app(server, "audit").status, 201U);
        for (const char* partition : {"0", "1", "2"})
            ASSERT_EQ(send_records(server, "orders", partition, 3).status, 200U);
        for (const char* partition : {"0", "1"})
            ASSERT_EQ(send_records(server, "payments", partition, 3).status, 200U);
    }

    void commit_ok(const std::string& app, const std::string& stream, const std::string& partition,
                   const std::string& sequence, const std::string& metadata = "") {
        EXPECT_TRUE(is_empty_answer(commit(server, app, stream, partition, sequence, metadata), 201));
    }

    test_server server;
};

class dis_delete_checkpoint : public checkpoint_fixture {
  protected:
    // billing on every partition of orders, audit on orders/0, billing on payments/0.
    void commit_spread() {
        commit_ok("billing", "orders", "0", "1", "b0");
        commit_ok("billing", "orders", "1", "2", "b1");
        commit_ok("billing", "orders", "2", "3", "b2");
        commit_ok("audit", "orders", "0", "2", "a0");
        commit_ok("billing", "payments", "0", "3", "p0");
    }

    void expect_others_untouched() {
        EXPECT_EQ(checkpoint_of(server, "audit", "orders", "0"), (checkpoint{"2", "a0"}));
        EXPECT_EQ(checkpoint_of(server, "billing", "payments", "0"), (checkpoint{"3", "p0"}));
    }

    void expect_billing_orders_untouched() {
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "b0"}));
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", "b1"}));
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", "2"), (checkpoint{"3", "b2"}));
        expect_others_untouched();
    }
};

class dis_commit_checkpoint : public checkpoint_fixture {};
class dis_show_checkpoint : public checkpoint_fixture {};

// --- DELETE /v2/{project_id}/checkpoints --------------------------------------------------------------

TEST_F(dis_delete_checkpoint,
       without_partition_deletes_the_apps_checkpoints_on_every_partition_of_the_stream) {
    commit_spread();
    const auto reply =
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders");
    EXPECT_TRUE(is_empty_answer(reply, 204));
    for (const char* partition : {"0", "1", "2"}) {
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", partition), none) << "partition " << partition;
    }
    expect_others_untouched();
}

TEST_F(dis_delete_checkpoint, with_plain_partition_index_deletes_only_that_partition) {
    commit_spread();
    const auto reply = delete_checkpoint(
        server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=1&stream_name=orders");
    EXPECT_TRUE(is_empty_answer(reply, 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "b0"}));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "2"), (checkpoint{"3", "b2"}));
    expect_others_untouched();
}

TEST_F(dis_delete_checkpoint, with_shard_id_form_deletes_only_that_partition) {
    commit_spread();
    const auto reply = delete_checkpoint(
        server,
        "app_name=billing&checkpoint_type=LAST_READ&partition_id=shardId-0000000002&stream_name=orders");
    EXPECT_TRUE(is_empty_answer(reply, 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "shardId-0000000002"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "2"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "b0"}));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", "b1"}));
    expect_others_untouched();
}

TEST_F(dis_delete_checkpoint, partition_zero_in_either_form_addresses_the_same_checkpoint) {
    commit_ok("billing", "orders", "shardId-0000000000", "2", "x");
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server,
                          "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders"),
        204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "shardId-0000000000"), none);

    commit_ok("billing", "orders", "0", "3", "y");
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(
            server,
            "app_name=billing&checkpoint_type=LAST_READ&partition_id=shardId-0000000000&stream_name=orders"),
        204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

TEST_F(dis_delete_checkpoint, show_after_delete_answers_exactly_minus_one_and_empty_metadata) {
    commit_ok("billing", "orders", "0", "3", "worker-1");
    ASSERT_EQ(
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders").status,
        204U);
    const auto reply = show_checkpoint(
        server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders");
    EXPECT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body, R"({"sequence_number":"-1","metadata":""})");
}

TEST_F(dis_delete_checkpoint, never_committed_checkpoint_is_204_and_changes_nothing) {
    commit_ok("audit", "orders", "0", "2", "a0");
    commit_ok("billing", "payments", "0", "3", "p0");
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders"), 204));
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server,
                          "app_name=billing&checkpoint_type=LAST_READ&partition_id=2&stream_name=orders"),
        204));
    expect_others_untouched();
}

TEST_F(dis_delete_checkpoint, is_idempotent) {
    commit_spread();
    const std::string query = "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders";
    EXPECT_TRUE(is_empty_answer(delete_checkpoint(server, query), 204));
    EXPECT_TRUE(is_empty_answer(delete_checkpoint(server, query), 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", "b1"}));
}

TEST_F(dis_delete_checkpoint, commit_after_delete_stores_again) {
    commit_ok("billing", "orders", "0", "1", "old");
    ASSERT_EQ(delete_checkpoint(server, "app_name=billing&stream_name=orders").status, 204U);
    commit_ok("billing", "orders", "0", "2", "new");
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"2", "new"}));
}

TEST_F(dis_delete_checkpoint, missing_checkpoint_type_means_last_read) {
    commit_spread();
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server, "app_name=billing&partition_id=0&stream_name=orders"), 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
    // The legacy Python SDK's form: only stream and app.
    EXPECT_TRUE(is_empty_answer(delete_checkpoint(server, "stream_name=orders&app_name=billing"), 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "2"), none);
    expect_others_untouched();
}

TEST_F(dis_delete_checkpoint, other_checkpoint_type_is_dis_4200_and_deletes_nothing) {
    commit_spread();
    for (const std::string type : {"FIRST_READ", "last_read", "", "LAST_READ%20"}) {
        SCOPED_TRACE("checkpoint_type=" + type);
        EXPECT_TRUE(is_dis_error(
            delete_checkpoint(server, "app_name=billing&checkpoint_type=" + type + "&stream_name=orders"),
            "DIS.4200", "Invalid request. [checkpoint_type: must be LAST_READ]"));
    }
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, app_name_of_length_0_or_51_is_dis_4200) {
    commit_spread();
    const std::string message = "Invalid request. [app_name: must be 1 to 50 letters, digits, _ or -]";
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, "app_name=&checkpoint_type=LAST_READ&stream_name=orders"),
                     "DIS.4200", message));
    // 51 characters is a valid app (create allows 200) but too long for the checkpoint endpoints.
    const std::string long_app(51, 'a');
    ASSERT_EQ(create_app(server, long_app).status, 201U);
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server, "app_name=" + long_app + "&checkpoint_type=LAST_READ&stream_name=orders"),
        "DIS.4200", message));
    EXPECT_TRUE(is_dis_error(delete_checkpoint(server, "app_name=bad%20name&stream_name=orders"), "DIS.4200",
                             message));
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, app_name_of_length_50_is_accepted) {
    const std::string app(50, 'z');
    ASSERT_EQ(create_app(server, app).status, 201U);
    commit_ok(app, "orders", "1", "2", "m");
    EXPECT_EQ(checkpoint_of(server, app, "orders", "1"), (checkpoint{"2", "m"}));
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server, "app_name=" + app + "&checkpoint_type=LAST_READ&stream_name=orders"), 204));
    EXPECT_EQ(checkpoint_of(server, app, "orders", "1"), none);
}

TEST_F(dis_delete_checkpoint, missing_stream_name_or_app_name_is_dis_4200) {
    commit_spread();
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=0"),
                     "DIS.4200", "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, "checkpoint_type=LAST_READ&partition_id=0&stream_name=orders"),
                     "DIS.4200", "Invalid request. [app_name: is required]"));
    EXPECT_TRUE(is_dis_error(delete_checkpoint(server, ""), "DIS.4200",
                             "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(is_dis_error(delete_checkpoint(server, "app_name=billing&stream_name="), "DIS.4200",
                             "Invalid request. [stream_name: must be 1 to 64 letters, digits, _ or -]"));
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, malformed_partition_id_is_dis_4201) {
    commit_spread();
    for (const std::string id : {"abc", "shardId-1", "-1", "shardId-00000000001", "1.0", "shardid-0000000000",
                                 "", "00000000001", "2147483648"}) {
        SCOPED_TRACE("partition_id=" + id);
        EXPECT_TRUE(is_dis_error(
            delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=" + id +
                                          "&stream_name=orders"),
            "DIS.4201", "Invalid partition_id. [" + id + "]"));
    }
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, unknown_partition_of_known_stream_and_app_is_dis_4302) {
    commit_spread();
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=billing&checkpoint_type=LAST_READ&partition_id=3&stream_name=orders"),
        "DIS.4302", "Partition does not exist. [shardId-0000000003]"));
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(
            server,
            "app_name=billing&checkpoint_type=LAST_READ&partition_id=shardId-0000000007&stream_name=orders"),
        "DIS.4302", "Partition does not exist. [shardId-0000000007]"));
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, unknown_stream_is_dis_4301) {
    commit_spread();
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=nosuch"),
        "DIS.4301", "The stream does not exist. [nosuch][" + project_id + "]"));
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, unknown_app_is_dis_4332) {
    commit_spread();
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server, "app_name=nosuch&checkpoint_type=LAST_READ&stream_name=orders"), "DIS.4332",
        "app not found."));
    expect_billing_orders_untouched();
}

// Syntax -> stream (DIS.4301) -> app (DIS.4332) -> partition (DIS.4302), reference §7.3 and §10 Q4.
TEST_F(dis_delete_checkpoint, validation_order_is_syntax_then_stream_then_app_then_partition) {
    commit_spread();
    const std::string stream_missing = "The stream does not exist. [nosuch][" + project_id + "]";
    // Syntax first: a malformed partition or a bad type beats every missing resource.
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=ghost&checkpoint_type=LAST_READ&partition_id=x&stream_name=nosuch"),
        "DIS.4201", "Invalid partition_id. [x]"));
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, "app_name=ghost&checkpoint_type=OTHER&stream_name=nosuch"),
                     "DIS.4200", "Invalid request. [checkpoint_type: must be LAST_READ]"));
    // Stream before app and partition.
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, "app_name=ghost&checkpoint_type=LAST_READ&stream_name=nosuch"),
                     "DIS.4301", stream_missing));
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=ghost&checkpoint_type=LAST_READ&partition_id=9&stream_name=nosuch"),
        "DIS.4301", stream_missing));
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=billing&checkpoint_type=LAST_READ&partition_id=9&stream_name=nosuch"),
        "DIS.4301", stream_missing));
    // App before partition.
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=ghost&checkpoint_type=LAST_READ&partition_id=9&stream_name=orders"),
        "DIS.4332", "app not found."));
    // Partition last.
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server,
                          "app_name=billing&checkpoint_type=LAST_READ&partition_id=9&stream_name=orders"),
        "DIS.4302", "Partition does not exist. [shardId-0000000009]"));
    expect_billing_orders_untouched();
}

TEST_F(dis_delete_checkpoint, ignores_unknown_query_parameters) {
    commit_spread();
    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(
            server,
            "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_id=abc&stream_name="
            "orders"),
        204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", "b1"}));
}

TEST_F(dis_delete_checkpoint, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    commit_spread();
    const std::string query = "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders";
    EXPECT_TRUE(is_dis_error(delete_checkpoint(server, query, "not-a-project"), "DIS.4117",
                             "Invalid Project Id. [not-a-project]"));
    EXPECT_TRUE(
        is_dis_error(delete_checkpoint(server, query, project_id, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    expect_billing_orders_untouched();
    EXPECT_TRUE(
        is_empty_answer(delete_checkpoint(server, query, project_id, {{"X-Project-Id", project_id}}), 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

TEST_F(dis_delete_checkpoint, projects_are_isolated) {
    commit_spread();
    ASSERT_EQ(create_stream(server, "orders", 3, other_project_id).status, 201U);
    ASSERT_EQ(create_app(server, "billing", other_project_id).status, 201U);
    ASSERT_EQ(send_records(server, "orders", "0", 2, other_project_id).status, 200U);
    EXPECT_TRUE(
        is_empty_answer(commit(server, "billing", "orders", "0", "2", "other", other_project_id), 201));

    EXPECT_TRUE(is_empty_answer(
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders"), 204));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0", other_project_id), (checkpoint{"2", "other"}));

    // "payments" exists only in the first project.
    EXPECT_TRUE(is_dis_error(
        delete_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=payments",
                          other_project_id),
        "DIS.4301", "The stream does not exist. [payments][" + other_project_id + "]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "payments", "0"), (checkpoint{"3", "p0"}));
}

// --- POST /v2/{project_id}/checkpoints -----------------------------------------------------------------

TEST_F(dis_commit_checkpoint, answers_201_with_no_body_and_show_returns_strings) {
    const auto reply = commit(server, "billing", "orders", "shardId-0000000000", "2", "worker-1");
    EXPECT_TRUE(is_empty_answer(reply, 201));
    EXPECT_EQ(reply.header("content-length"), "0");
    const auto shown = show_checkpoint(
        server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders");
    EXPECT_TRUE(is_json_answer(shown));
    EXPECT_EQ(shown.body, R"({"sequence_number":"2","metadata":"worker-1"})");
}

TEST_F(dis_commit_checkpoint, is_an_upsert_that_overwrites) {
    commit_ok("billing", "orders", "0", "1", "first");
    commit_ok("billing", "orders", "shardId-0000000000", "3", "second");
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"3", "second"}));
    commit_ok("billing", "orders", "0", "0");
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "shardId-0000000000"), (checkpoint{"0", ""}));
}

TEST_F(dis_commit_checkpoint, keeps_apps_streams_and_partitions_apart) {
    commit_ok("billing", "orders", "0", "1", "a");
    commit_ok("billing", "orders", "1", "2", "b");
    commit_ok("audit", "orders", "0", "3", "c");
    commit_ok("billing", "payments", "0", "0", "d");
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "a"}));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", "b"}));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "2"), none);
    EXPECT_EQ(checkpoint_of(server, "audit", "orders", "0"), (checkpoint{"3", "c"}));
    EXPECT_EQ(checkpoint_of(server, "billing", "payments", "0"), (checkpoint{"0", "d"}));
    EXPECT_EQ(checkpoint_of(server, "audit", "payments", "0"), none);
}

TEST_F(dis_commit_checkpoint, metadata_is_optional) {
    EXPECT_TRUE(is_empty_answer(
        server.request("POST", path("/checkpoints"),
                       R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                       R"("partition_id":"1","sequence_number":"2"})"),
        201));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", ""}));
}

// client_id and generation_id are no longer unknown: a commit that carries them comes from a Kafka
// adapter group member and is checked against the group (groups_test.cpp).
TEST_F(dis_commit_checkpoint, ignores_unknown_fields) {
    EXPECT_TRUE(is_empty_answer(
        server.request("POST", path("/checkpoints"),
                       R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                       R"("partition_id":"1","sequence_number":"2","stream_id":"x","timestamp":7})"),
        201));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "1"), (checkpoint{"2", ""}));
}

TEST_F(dis_commit_checkpoint, accepts_the_range_ends) {
    commit_ok("billing", "orders", "0", "0", "earliest");
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"0", "earliest"}));
    commit_ok("billing", "orders", "0", "3", "next");  // the end itself: a consumer waiting at the head
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"3", "next"}));
}

TEST_F(dis_commit_checkpoint, sequence_number_outside_the_range_is_dis_4224) {
    commit_ok("billing", "orders", "0", "1", "kept");
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "4"), "DIS.4224",
                             "Sequence_number out of range. [4][ should be within ][0][ ][3]"));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "9"), "DIS.4224",
                             "Sequence_number out of range. [9][ should be within ][0][ ][3]"));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "-1"), "DIS.4224",
                             "Sequence_number out of range. [-1][ should be within ][0][ ][3]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "kept"}));
}

TEST_F(dis_commit_checkpoint, range_follows_the_partition) {
    ASSERT_EQ(create_stream(server, "fresh", 2).status, 201U);
    ASSERT_EQ(send_records(server, "fresh", "1", 2).status, 200U);
    commit_ok("billing", "fresh", "0", "0");
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "fresh", "0", "1"), "DIS.4224",
                             "Sequence_number out of range. [1][ should be within ][0][ ][0]"));
    commit_ok("billing", "fresh", "1", "2");
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "fresh", "1", "9"), "DIS.4224",
                             "Sequence_number out of range. [9][ should be within ][0][ ][2]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "fresh", "0"), (checkpoint{"0", ""}));
    EXPECT_EQ(checkpoint_of(server, "billing", "fresh", "1"), (checkpoint{"2", ""}));
}

TEST_F(dis_commit_checkpoint, non_numeric_sequence_number_is_dis_4216) {
    commit_ok("billing", "orders", "0", "1", "kept");
    for (const std::string sequence : {"abc", "", "1.5", "12a", " 1", "+1", "0x1", "99999999999999999999"}) {
        SCOPED_TRACE("sequence_number=" + sequence);
        EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", sequence), "DIS.4216",
                                 "Invalid sequence_number. [" + sequence + "]"));
    }
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "kept"}));
}

TEST_F(dis_commit_checkpoint, sequence_number_as_json_number_is_dis_4200) {
    EXPECT_TRUE(is_dis_error(
        server.request("POST", path("/checkpoints"),
                       R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders",)"
                       R"("partition_id":"0","sequence_number":2})"),
        "DIS.4200", "Invalid request. [sequence_number: must be a string]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

TEST_F(dis_commit_checkpoint, metadata_up_to_1000_characters) {
    const std::string longest(1000, 'm');
    commit_ok("billing", "orders", "0", "1", longest);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", longest}));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "2", std::string(1001, 'm')),
                             "DIS.4200", "Invalid request. [metadata: must be at most 1000 characters]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", longest}));
}

// The limit is in characters (reference §3.2), not UTF-8 bytes.
TEST_F(dis_commit_checkpoint, metadata_limit_counts_characters_not_bytes) {
    std::string longest;
    for (int i = 0; i < 1000; ++i) longest += "\xC3\xA9";  // U+00E9, two bytes in UTF-8
    commit_ok("billing", "orders", "0", "1", longest);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", longest}));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "2", longest + "\xC3\xA9"), "DIS.4200",
                             "Invalid request. [metadata: must be at most 1000 characters]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", longest}));
}

TEST_F(dis_commit_checkpoint, missing_or_invalid_fields_are_dis_4200) {
    struct refused {
        std::string body;
        std::string message;
    };
    const std::string rest = R"("stream_name":"orders","partition_id":"0","sequence_number":"1"})";
    const std::vector<refused> cases{
        {R"({"checkpoint_type":"LAST_READ",)" + rest, "Invalid request. [app_name: is required]"},
        {R"({"app_name":"billing",)" + rest, "Invalid request. [checkpoint_type: is required]"},
        {R"({"app_name":"billing","checkpoint_type":"FIRST_READ",)" + rest,
         "Invalid request. [checkpoint_type: must be LAST_READ]"},
        {R"({"app_name":"billing","checkpoint_type":"LAST_READ","partition_id":"0","sequence_number":"1"})",
         "Invalid request. [stream_name: is required]"},
        {R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders","sequence_number":"1"})",
         "Invalid request. [partition_id: is required]"},
        {R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders","partition_id":"0"})",
         "Invalid request. [sequence_number: is required]"},
        {R"({"app_name":"","checkpoint_type":"LAST_READ",)" + rest,
         "Invalid request. [app_name: must be 1 to 50 letters, digits, _ or -]"},
        {R"({"app_name":")" + std::string(51, 'a') + R"(","checkpoint_type":"LAST_READ",)" + rest,
         "Invalid request. [app_name: must be 1 to 50 letters, digits, _ or -]"},
        {R"({"app_name":7,"checkpoint_type":"LAST_READ",)" + rest,
         "Invalid request. [app_name: must be a string]"},
        {R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders","partition_id":"0",)"
         R"("sequence_number":"1","metadata":5})",
         "Invalid request. [metadata: must be a string]"},
    };
    ASSERT_EQ(create_app(server, std::string(51, 'a')).status, 201U);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        EXPECT_TRUE(
            is_dis_error(server.request("POST", path("/checkpoints"), c.body), "DIS.4200", c.message));
    }
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

TEST_F(dis_commit_checkpoint, malformed_partition_id_is_dis_4201) {
    for (const std::string id : {"abc", "shardId-1", "-1", ""}) {
        SCOPED_TRACE("partition_id=" + id);
        EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", id, "1"), "DIS.4201",
                                 "Invalid partition_id. [" + id + "]"));
    }
    for (const char* partition : {"0", "1", "2"})
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", partition), none);
}

TEST_F(dis_commit_checkpoint, unknown_stream_app_or_partition_in_that_order) {
    EXPECT_TRUE(is_dis_error(commit(server, "ghost", "nosuch", "9", "1"), "DIS.4301",
                             "The stream does not exist. [nosuch][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "nosuch", "0", "1"), "DIS.4301",
                             "The stream does not exist. [nosuch][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(commit(server, "ghost", "orders", "9", "1"), "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(commit(server, "ghost", "orders", "0", "1"), "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "9", "1"), "DIS.4302",
                             "Partition does not exist. [shardId-0000000009]"));
    // Partition is checked before the range.
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "shardId-0000000003", "99"), "DIS.4302",
                             "Partition does not exist. [shardId-0000000003]"));
    for (const char* partition : {"0", "1", "2"})
        EXPECT_EQ(checkpoint_of(server, "billing", "orders", partition), none);
}

TEST_F(dis_commit_checkpoint, empty_or_unparsable_body) {
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/checkpoints"), ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(
        is_dis_error(server.request("POST", path("/checkpoints"), "  \n"), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/checkpoints"), R"({"app_name":"billing")"),
                             "DIS.4300", "Request error."));
    EXPECT_TRUE(
        is_dis_error(server.request("POST", path("/checkpoints"), "[1]"), "DIS.4300", "Request error."));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

TEST_F(dis_commit_checkpoint, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    const std::string body = commit_body("billing", "orders", "0", "1", "x");
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/checkpoints", "0123"), body), "DIS.4117",
                             "Invalid Project Id. [0123]"));
    EXPECT_TRUE(
        is_dis_error(server.request("POST", path("/checkpoints"), body, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), none);
}

// --- GET /v2/{project_id}/checkpoints ------------------------------------------------------------------

TEST_F(dis_show_checkpoint, nothing_committed_is_200_minus_one_and_empty_metadata) {
    const auto reply = show_checkpoint(
        server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=2&stream_name=orders");
    EXPECT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body, R"({"sequence_number":"-1","metadata":""})");
}

TEST_F(dis_show_checkpoint, missing_parameters_are_dis_4200) {
    commit_ok("billing", "orders", "0", "1", "kept");
    EXPECT_TRUE(
        is_dis_error(show_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&partition_id=0"),
                     "DIS.4200", "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(
        is_dis_error(show_checkpoint(server, "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders"),
                     "DIS.4200", "Invalid request. [partition_id: is required]"));
    EXPECT_TRUE(
        is_dis_error(show_checkpoint(server, "checkpoint_type=LAST_READ&partition_id=0&stream_name=orders"),
                     "DIS.4200", "Invalid request. [app_name: is required]"));
    EXPECT_TRUE(is_dis_error(show_checkpoint(server, "app_name=billing&partition_id=0&stream_name=orders"),
                             "DIS.4200", "Invalid request. [checkpoint_type: is required]"));
    EXPECT_TRUE(
        is_dis_error(show_checkpoint(server, ""), "DIS.4200", "Invalid request. [stream_name: is required]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"1", "kept"}));
}

TEST_F(dis_show_checkpoint, invalid_parameters) {
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server,
                        "app_name=billing&checkpoint_type=FIRST_READ&partition_id=0&stream_name=orders"),
        "DIS.4200", "Invalid request. [checkpoint_type: must be LAST_READ]"));
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server, "app_name=" + std::string(51, 'a') +
                                    "&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders"),
        "DIS.4200", "Invalid request. [app_name: must be 1 to 50 letters, digits, _ or -]"));
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server,
                        "app_name=billing&checkpoint_type=LAST_READ&partition_id=p0&stream_name=orders"),
        "DIS.4201", "Invalid partition_id. [p0]"));
}

TEST_F(dis_show_checkpoint, unknown_stream_app_or_partition_in_that_order) {
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server, "app_name=ghost&checkpoint_type=LAST_READ&partition_id=9&stream_name=nosuch"),
        "DIS.4301", "The stream does not exist. [nosuch][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server, "app_name=ghost&checkpoint_type=LAST_READ&partition_id=9&stream_name=orders"),
        "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server,
                        "app_name=billing&checkpoint_type=LAST_READ&partition_id=3&stream_name=orders"),
        "DIS.4302", "Partition does not exist. [shardId-0000000003]"));
}

TEST_F(dis_show_checkpoint, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    const std::string query = "app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders";
    EXPECT_TRUE(is_dis_error(show_checkpoint(server, query, std::string(32, 'g')), "DIS.4117",
                             "Invalid Project Id. [" + std::string(32, 'g') + "]"));
    EXPECT_TRUE(is_dis_error(
        server.request("GET", path("/checkpoints?" + query), {}, {{"x-project-id", other_project_id}}),
        "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
}

TEST_F(dis_show_checkpoint, projects_are_isolated) {
    commit_ok("billing", "orders", "0", "2", "mine");
    ASSERT_EQ(create_stream(server, "orders", 1, other_project_id).status, 201U);
    ASSERT_EQ(create_app(server, "billing", other_project_id).status, 201U);
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0", other_project_id), none);
    // The other project's partition is empty, so the first project's sequence number 2 is out of range there.
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "0", "2", "", other_project_id), "DIS.4224",
                             "Sequence_number out of range. [2][ should be within ][0][ ][0]"));
    EXPECT_EQ(checkpoint_of(server, "billing", "orders", "0"), (checkpoint{"2", "mine"}));
    EXPECT_TRUE(is_dis_error(
        show_checkpoint(server,
                        "app_name=billing&checkpoint_type=LAST_READ&partition_id=1&stream_name=orders",
                        other_project_id),
        "DIS.4302", "Partition does not exist. [shardId-0000000001]"));
}

}  // namespace
}  // namespace emu::test
