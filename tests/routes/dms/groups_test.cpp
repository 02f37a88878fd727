// DMS for Kafka consumer-group routes over real sockets (reference §7, rows 21-34): create, list, the three
// show routes, update, the three delete routes, both reset routes, committed offsets with lag, group
// topics and members.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routes/control/fixture.hpp"
#include "state/hashing.hpp"
#include "tests/support/dms_client.hpp"

namespace emu::test {
namespace {

const std::string no_group = "The consumer group does not exist.";

std::string coordinator(const std::string& group) {
    return std::to_string(state::kafka_key_partition(group, 3));
}

// Topic "orders" (3 partitions): partition 0 holds m0..m4 written at t0+1s..t0+5s, partition 1 holds n0
// (t0+6s), partition 2 is empty. Topic "payments" (1 partition) holds p0 (t0+7s). Group "billing" exists.
class dms_groups : public ::testing::Test {
  protected:
    void SetUp() override {
        instance_ = create_instance(server_);
        ASSERT_FALSE(instance_.empty());
        create_topic(server_, instance_, "orders", 3);
        create_topic(server_, instance_, "payments", 1);
        create_group(server_, instance_, "billing");
        for (int i = 0; i < 5; ++i) {
            server_.clock().now_ms += 1000;
            send(server_, instance_, "orders", "m" + std::to_string(i), 0);
        }
        server_.clock().now_ms += 1000;
        send(server_, instance_, "orders", "n0", 1);
        server_.clock().now_ms += 1000;
        send(server_, instance_, "payments", "p0", 0);
        ASSERT_FALSE(HasFailure());
    }

    std::string groups_path() const { return instance_path(instance_) + "/groups"; }
    std::string group_path(const std::string& group) const { return groups_path() + "/" + group; }
    std::string management_path(const std::string& group) const {
        return instance_path(instance_) + "/management/groups/" + group;
    }
    std::string create_path(const std::string& instance = "") const {
        return dms + "/kafka/instances/" + (instance.empty() ? instance_ : instance) + "/group";
    }

    http_reply reset(const std::string& body, bool legacy = false,
                     const std::string& group = "billing") const {
        if (legacy) return server_.request("POST", management_path(group) + "/reset-message-offset", body);
        return server_.request("PUT", engine_group_path(instance_, group) + "/reset-message-offset", body);
    }

    // Every committed offset of the group as the message-offset route shows it for `topic`.
    std::string offsets(const std::string& topic = "orders", const std::string& group = "billing") const {
        return server_.request("GET", engine_group_path(instance_, group) + "/message-offset?topic=" + topic)
            .body;
    }

    // Everything a refused group call could have changed.
    std::string snapshot() const {
        return server_.request("GET", groups_path() + "?limit=50").body + offsets("orders") +
               offsets("payments") + server_.request("GET", management_path("billing")).body;
    }

    test_server server_;
    std::string instance_;
};

// ---- CreateKafkaConsumerGroup (row 25) -------------------------------------------------------------

TEST_F(dms_groups, create_answers_plain_text_success_and_the_group_is_empty) {
    const auto reply =
        server_.request("POST", create_path(), R"({"group_name":"audit","group_desc":"audit trail"})");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body, "success");
    EXPECT_EQ(reply.header("content-type"), "text/plain;charset=UTF-8");
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);
    expect_json(server_.request("GET", group_path("audit")), 200,
                R"({"group":{"group_id":"audit","state":"EMPTY","coordinator_id":)" + coordinator("audit") +
                    R"(,"createdAt":1700000007000,"assignment_strategy":"","group_desc":"audit trail"}})");
}

TEST_F(dms_groups, create_refuses_duplicates_bad_names_and_bad_bodies_without_change) {
    const auto before = snapshot();
    expect_dms_error(server_.request("POST", create_path(), R"({"group_name":"billing"})"), 400,
                     "DMS.10240018", "The consumer group already exists.");
    for (const auto* body : {R"({"group_desc":"x"})", R"({"group_name":""})", R"({"group_name":"bad name"})",
                             R"({"group_name":7})"}) {
        SCOPED_TRACE(body);
        expect_invalid_parameter(server_.request("POST", create_path(), body), "group_name");
    }
    expect_invalid_parameter(server_.request("POST", create_path(), R"({"group_name":"g1","group_desc":5})"),
                             "group_desc");
    expect_invalid_parameter(
        server_.request("POST", create_path(), R"({"group_name":")" + std::string(250, 'g') + R"("})"),
        "group_name");
    expect_dms_error(server_.request("POST", create_path(), ""), 400, "DMS.00400004",
                     "The request body is empty.");
    expect_dms_error(server_.request("POST", create_path(unknown_instance), R"({"group_name":"g1"})"), 404,
                     "DMS.00404022", no_instance);
    expect_dms_error(server_.request("POST", create_path("nope"), R"({"group_name":"g1"})"), 400,
                     "DMS.00400030", "Invalid DMS instance id. The id must be a uuid.");
    EXPECT_EQ(snapshot(), before);
    // Kafka's own limits are accepted.
    EXPECT_EQ(
        server_.request("POST", create_path(), R"({"group_name":"a.b_c-)" + std::string(243, 'd') + R"("})")
            .status,
        200U);
}

// ---- ListInstanceConsumerGroups (row 21) -------------------------------------------------------------

TEST_F(dms_groups, list_shows_every_group_with_types_filter_and_paging) {
    server_.clock().now_ms = t0 + 9000;
    ASSERT_EQ(server_.request("POST", create_path(), R"({"group_name":"analytics","group_desc":"a"})").status,
              200U);
    ASSERT_EQ(reset(R"({"topic":"orders","partition":0,"message_offset":2})").status, 204U);
    const std::string analytics = R"({"group_id":"analytics","state":"EMPTY","coordinator_id":)" +
                                  coordinator("analytics") +
                                  R"(,"group_desc":"a","lag":0,"createdAt":1700000009000})";
    const std::string billing = R"({"group_id":"billing","state":"EMPTY","coordinator_id":)" +
                                coordinator("billing") +
                                R"(,"group_desc":null,"lag":3,"createdAt":1700000000000})";
    expect_json(server_.request("GET", groups_path()), 200,
                R"({"groups":[)" + analytics + "," + billing + R"(],"total":2})");
    expect_json(server_.request("GET", groups_path() + "?group=bill"), 200,
                R"({"groups":[)" + billing + R"(],"total":1})");
    expect_json(server_.request("GET", groups_path() + "?offset=1&limit=1"), 200,
                R"({"groups":[)" + billing + R"(],"total":2})");
    expect_json(server_.request("GET", groups_path() + "?offset=5"), 200, R"({"groups":[],"total":2})");
}

TEST_F(dms_groups, list_refuses_bad_paging_and_unknown_instances) {
    expect_invalid_parameter(server_.request("GET", groups_path() + "?limit=51"), "limit");
    expect_invalid_parameter(server_.request("GET", groups_path() + "?limit=0"), "limit");
    expect_invalid_parameter(server_.request("GET", groups_path() + "?offset=-1"), "offset");
    expect_dms_error(server_.request("GET", instance_path(unknown_instance) + "/groups"), 404, "DMS.00404022",
                     no_instance);
}

// ---- ShowGroup, ListInstanceConsumerGroup, ShowGroups (rows 22-24) -----------------------------------

TEST_F(dms_groups, show_group_on_both_paths) {
    const std::string expected = R"({"group":{"group_id":"billing","state":"EMPTY","coordinator_id":)" +
                                 coordinator("billing") +
                                 R"(,"createdAt":1700000000000,"assignment_strategy":"","group_desc":null}})";
    expect_json(server_.request("GET", group_path("billing")), 200, expected);
    expect_json(server_.request("GET", engine_group_path(instance_, "billing")), 200, expected);
}

TEST_F(dms_groups, an_unknown_group_is_an_error_on_show_group_and_dead_on_the_engine_path) {
    expect_dms_error(server_.request("GET", group_path("ghost")), 400, "DMS.111400864", no_group);
    expect_json(server_.request("GET", engine_group_path(instance_, "ghost")), 200,
                R"({"group":{"group_id":"ghost","state":"DEAD","coordinator_id":)" + coordinator("ghost") +
                    R"(,"createdAt":0,"assignment_strategy":"","group_desc":null}})");
    expect_dms_error(server_.request("GET", engine_group_path(unknown_instance, "billing")), 404,
                     "DMS.00404022", no_instance);
    expect_dms_error(server_.request("GET", dms_engine + "/instances/bad-id/groups/billing"), 400,
                     "DMS.00400030", "Invalid DMS instance id. The id must be a uuid.");
}

TEST_F(dms_groups, show_groups_lists_no_members_and_committed_offsets_with_lag) {
    expect_json(server_.request("GET", management_path("billing")), 200,
                R"({"group":{"group_id":"billing","state":"Empty","coordinator_id":)" +
                    coordinator("billing") +
                    R"(,"assignment_strategy":"","members":[],"group_message_offsets":[]}})");
    ASSERT_EQ(reset(R"({"topic":"orders","partition":-1,"message_offset":1})").status, 204U);
    expect_json(server_.request("GET", management_path("billing")), 200,
                R"({"group":{"group_id":"billing","state":"Empty","coordinator_id":)" +
                    coordinator("billing") +
                    R"(,"assignment_strategy":"","members":[],"group_message_offsets":[
                      {"topic":"orders","partition":0,"lag":4,"message_current_offset":1,"message_log_end_offset":5},
                      {"topic":"orders","partition":1,"lag":0,"message_current_offset":1,"message_log_end_offset":1},
                      {"topic":"orders","partition":2,"lag":0,"message_current_offset":0,"message_log_end_offset":0}]}})");
    expect_dms_error(server_.request("GET", management_path("ghost")), 400, "DMS.111400864", no_group);
}

// ---- UpdateInstanceConsumerGroup (row 26) -------------------------------------------------------------

TEST_F(dms_groups, update_changes_the_description) {
    expect_empty(server_.request("PUT", engine_group_path(instance_, "billing"),
                                 R"({"group_name":"billing","group_desc":"invoices"})"),
                 204);
    EXPECT_STREQ(server_.request("GET", group_path("billing")).json()["group"]["group_desc"].GetString(),
                 "invoices");
    expect_empty(server_.request("PUT", engine_group_path(instance_, "billing"), "{}"), 204);
    EXPECT_STREQ(server_.request("GET", group_path("billing")).json()["group"]["group_desc"].GetString(),
                 "invoices");
}

TEST_F(dms_groups, update_refuses_renames_unknown_groups_and_bad_bodies_without_change) {
    const auto before = snapshot();
    const auto path = engine_group_path(instance_, "billing");
    expect_invalid_parameter(server_.request("PUT", path, R"({"group_name":"other","group_desc":"x"})"),
                             "group_name");
    expect_invalid_parameter(server_.request("PUT", path, R"({"group_desc":["x"]})"), "group_desc");
    expect_dms_error(server_.request("PUT", path, ""), 400, "DMS.00400004", "The request body is empty.");
    expect_dms_error(server_.request("PUT", engine_group_path(instance_, "ghost"), R"({"group_desc":"x"})"),
                     400, "DMS.111400864", no_group);
    EXPECT_EQ(snapshot(), before);
}

// ---- DeleteGroup, DeleteInstanceConsumerGroup, BatchDeleteGroup (rows 27-29) ---------------------------

TEST_F(dms_groups, delete_group_answers_204_and_the_group_is_gone) {
    expect_empty(server_.request("DELETE", group_path("billing")), 204);
    expect_dms_error(server_.request("GET", group_path("billing")), 400, "DMS.111400864", no_group);
    expect_dms_error(server_.request("DELETE", group_path("billing")), 400, "DMS.111400864", no_group);
    expect_dms_error(server_.request("DELETE", instance_path(unknown_instance) + "/groups/billing"), 404,
                     "DMS.00404022", no_instance);
}

TEST_F(dms_groups, delete_on_the_engine_path_answers_200_with_an_empty_body) {
    ASSERT_EQ(reset(R"({"topic":"orders","partition":0,"message_offset":2})").status, 204U);
    expect_empty(server_.request("DELETE", engine_group_path(instance_, "billing")), 200);
    EXPECT_STREQ(
        server_.request("GET", engine_group_path(instance_, "billing")).json()["group"]["state"].GetString(),
        "DEAD");
    // A group of the same name starts again without offsets.
    create_group(server_, instance_, "billing");
    expect_json(
        server_.request("GET", engine_group_path(instance_, "billing") + "/message-offset?topic=orders"), 200,
        R"({"group_message_offsets":[],"total":0})");
    expect_dms_error(server_.request("DELETE", engine_group_path(instance_, "ghost")), 400, "DMS.111400864",
                     no_group);
}

TEST_F(dms_groups, batch_delete_reports_the_groups_it_could_not_delete) {
    create_group(server_, instance_, "audit");
    expect_json(
        server_.request("POST", groups_path() + "/batch-delete",
                        R"({"group_ids":["billing","ghost","audit"]})"),
        200,
        R"({"failed_groups":[{"group_id":"ghost","error_message":"The consumer group does not exist."}],
                    "total":1})");
    expect_json(server_.request("GET", groups_path()), 200, R"({"groups":[],"total":0})");
    expect_json(server_.request("POST", groups_path() + "/batch-delete", R"({"group_ids":[]})"), 200,
                R"({"failed_groups":[],"total":0})");
}

TEST_F(dms_groups, batch_delete_refuses_bad_bodies_without_change) {
    const auto before = snapshot();
    const auto path = groups_path() + "/batch-delete";
    expect_invalid_parameter(server_.request("POST", path, R"({})"), "group_ids");
    expect_invalid_parameter(server_.request("POST", path, R"({"group_ids":"billing"})"), "group_ids");
    expect_invalid_parameter(server_.request("POST", path, R"({"group_ids":["billing",3]})"), "group_ids[1]");
    expect_dms_error(server_.request("POST", path, "[]"), 400, "DMS.00400005",
                     "The message body is not in JSON format or contains invalid characters.");
    expect_dms_error(server_.request("POST", instance_path(unknown_instance) + "/groups/batch-delete",
                                     R"({"group_ids":["billing"]})"),
                     404, "DMS.00404022", no_instance);
    EXPECT_EQ(snapshot(), before);
}

// ---- ResetMessageOffset, ResetMessageOffsetWithEngine (rows 30, 31) ------------------------------------

class dms_group_reset : public dms_groups, public ::testing::WithParamInterface<bool> {};

TEST_P(dms_group_reset, to_an_offset_earliest_latest_and_a_time) {
    const bool legacy = GetParam();
    const auto row = [](int p, int committed, int start, int end) {
        return R"({"topic":"orders","partition":)" + std::to_string(p) + R"(,"message_current_offset":)" +
               std::to_string(committed) + R"(,"message_log_start_offset":)" + std::to_string(start) +
               R"(,"message_log_end_offset":)" + std::to_string(end) + R"(,"lag":)" +
               std::to_string(end - committed) + R"(,"consumer_id":"","host":"","client_id":""})";
    };
    expect_empty(reset(R"({"topic":"orders","partition":0,"message_offset":3})", legacy), 204);
    expect_json(
        server_.request("GET", engine_group_path(instance_, "billing") + "/message-offset?topic=orders"), 200,
        R"({"group_message_offsets":[)" + row(0, 3, 0, 5) + R"(],"total":1})");
    // Beyond the end is the latest offset; below the start the earliest.
    expect_empty(reset(R"({"topic":"orders","partition":-1,"message_offset":99})", legacy), 204);
    EXPECT_EQ(offsets(), R"({"group_message_offsets":[)" + row(0, 5, 0, 5) + "," + row(1, 1, 0, 1) + "," +
                             row(2, 0, 0, 0) + R"(],"total":3})");
    expect_empty(reset(R"({"topic":"orders","partition":0,"message_offset":-4})", legacy), 204);
    EXPECT_EQ(offsets(), R"({"group_message_offsets":[)" + row(0, 0, 0, 5) + "," + row(1, 1, 0, 1) + "," +
                             row(2, 0, 0, 0) + R"(],"total":3})");
    // A time: the first message at or after it; after the last message, the end.
    expect_empty(reset(R"({"topic":"orders","partition":0,"timestamp":1700000002500})", legacy), 204);
    EXPECT_EQ(offsets(), R"({"group_message_offsets":[)" + row(0, 2, 0, 5) + "," + row(1, 1, 0, 1) + "," +
                             row(2, 0, 0, 0) + R"(],"total":3})");
    expect_empty(reset(R"({"topic":"orders","partition":-1,"timestamp":1800000000000})", legacy), 204);
    EXPECT_EQ(offsets(), R"({"group_message_offsets":[)" + row(0, 5, 0, 5) + "," + row(1, 1, 0, 1) + "," +
                             row(2, 0, 0, 0) + R"(],"total":3})");
}

TEST_P(dms_group_reset, an_empty_topic_resets_every_topic_the_group_has_offsets_on) {
    const bool legacy = GetParam();
    ASSERT_EQ(reset(R"({"topic":"orders","partition":0,"message_offset":4})", legacy).status, 204U);
    ASSERT_EQ(reset(R"({"topic":"payments","partition":0,"message_offset":1})", legacy).status, 204U);
    expect_empty(reset(R"({"topic":"","partition":-1,"message_offset":0})", legacy), 204);
    const auto shown = server_.request("GET", management_path("billing")).json();
    const auto& rows = shown["group"]["group_message_offsets"];
    ASSERT_EQ(rows.Size(), 2U) << "only the partitions the group had committed";
    EXPECT_EQ(rows[0]["message_current_offset"].GetInt64(), 0);
    EXPECT_EQ(rows[1]["message_current_offset"].GetInt64(), 0);
    EXPECT_STREQ(rows[1]["topic"].GetString(), "payments");
}

TEST_P(dms_group_reset, bad_requests_are_refused_without_change) {
    const bool legacy = GetParam();
    ASSERT_EQ(reset(R"({"topic":"orders","partition":0,"message_offset":2})", legacy).status, 204U);
    const auto before = snapshot();
    expect_invalid_parameter(reset(R"({"topic":"orders","partition":0})", legacy), "message_offset");
    expect_invalid_parameter(
        reset(R"({"topic":"orders","partition":0,"message_offset":1,"timestamp":1})", legacy), "timestamp");
    expect_dms_error(reset(R"({"topic":"orders","partition":0,"timestamp":-5})", legacy), 400, "DMS.00400142",
                     "Timestamp is invalid.");
    expect_invalid_parameter(reset(R"({"partition":0,"message_offset":1})", legacy), "topic");
    expect_invalid_parameter(reset(R"({"topic":"orders","message_offset":1})", legacy), "partition");
    expect_invalid_parameter(reset(R"({"topic":"orders","partition":-2,"message_offset":1})", legacy),
                             "partition");
    expect_invalid_parameter(reset(R"({"topic":"orders","partition":"0","message_offset":1})", legacy),
                             "partition");
    expect_invalid_parameter(reset(R"({"topic":"orders","partition":3,"message_offset":1})", legacy),
                             "partition");
    expect_dms_error(reset(R"({"topic":"refunds","partition":0,"message_offset":1})", legacy), 400,
                     "DMS.00400062", invalid_topic);
    expect_dms_error(reset(R"({"topic":"orders","partition":0,"message_offset":1})", legacy, "ghost"), 400,
                     "DMS.111400864", no_group);
    expect_dms_error(reset("", legacy), 400, "DMS.00400004", "The request body is empty.");
    EXPECT_EQ(snapshot(), before);
}

INSTANTIATE_TEST_SUITE_P(dms, dms_group_reset, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                             return p.param ? "post_management" : "put_with_engine";
                         });

// ---- ListInstanceConsumerGroupMessageOffset (row 32) ---------------------------------------------------

TEST_F(dms_groups, lag_counts_to_the_log_end_after_a_deletion_moves_the_start_past_the_committed_offset) {
    ASSERT_EQ(reset(R"({"topic":"orders","partition":0,"message_offset":1})").status, 204U);
    ASSERT_EQ(server_
                  .request("POST", post_delete_path(instance_, "orders"),
                           R"({"partitions":[{"partition":0,"offset":3}]})")
                  .status,
              200U);
    expect_json(server_.request("GET", engine_group_path(instance_, "billing") +
                                           "/message-offset?topic=orders&partition=0"),
                200,
                R"({"group_message_offsets":[{"topic":"orders","partition":0,"message_current_offset":1,
                    "message_log_start_offset":3,"message_log_end_offset":5,"lag":4,"consumer_id":"","host":"",
                    "client_id":""}],"total":1})");
    EXPECT_EQ(server_.request("GET", groups_path()).json()["groups"][0]["lag"].GetInt64(), 4);
}

TEST_F(dms_groups, message_offsets_page_and_refuse_bad_queries) {
    ASSERT_EQ(reset(R"({"topic":"orders","partition":-1,"message_offset":0})").status, 204U);
    const auto path = engine_group_path(instance_, "billing") + "/message-offset";
    const auto paged = server_.request("GET", path + "?topic=orders&offset=1&limit=1").json();
    EXPECT_EQ(paged["total"].GetInt64(), 3);
    ASSERT_EQ(paged["group_message_offsets"].Size(), 1U);
    EXPECT_EQ(paged["group_message_offsets"][0]["partition"].GetInt(), 1);
    expect_json(server_.request("GET", path + "?topic=payments"), 200,
                R"({"group_message_offsets":[],"total":0})");
    expect_invalid_parameter(server_.request("GET", path), "topic");
    expect_invalid_parameter(server_.request("GET", path + "?topic=orders&limit=51"), "limit");
    expect_invalid_parameter(server_.request("GET", path + "?topic=orders&partition=x"), "partition");
    expect_dms_error(server_.request("GET", path + "?topic=refunds"), 400, "DMS.00400062", invalid_topic);
    expect_dms_error(
        server_.request("GET", engine_group_path(instance_, "ghost") + "/message-offset?topic=orders"), 400,
        "DMS.111400864", no_group);
}

// ---- ListInstanceConsumerGroupTopics, ListInstanceConsumerGroupMembers (rows 33, 34) ----------------

TEST_F(dms_groups, group_topics_sum_partitions_and_lag_and_sort) {
    ASSERT_EQ(reset(R"({"topic":"orders","partition":-1,"message_offset":0})").status, 204U);
    ASSERT_EQ(reset(R"({"topic":"payments","partition":0,"message_offset":0})").status, 204U);
    const auto path = engine_group_path(instance_, "billing") + "/topics";
    const std::string orders = R"({"topic":"orders","partitions":3,"lag":6})";
    const std::string payments = R"({"topic":"payments","partitions":1,"lag":1})";
    expect_json(server_.request("GET", path), 200,
                R"({"topics":[)" + orders + "," + payments + R"(],"total":2})");
    expect_json(server_.request("GET", path + "?sort_key=topic&sort_dir=desc"), 200,
                R"({"topics":[)" + payments + "," + orders + R"(],"total":2})");
    expect_json(server_.request("GET", path + "?sort_key=partition&sort_dir=asc"), 200,
                R"({"topics":[)" + payments + "," + orders + R"(],"total":2})");
    expect_json(server_.request("GET", path + "?topic=pay"), 200,
                R"({"topics":[)" + payments + R"(],"total":1})");
    expect_json(server_.request("GET", path + "?offset=1&limit=1"), 200,
                R"({"topics":[)" + payments + R"(],"total":2})");
}

TEST_F(dms_groups, group_topics_refuse_paging_past_the_end_and_bad_sorts) {
    const auto path = engine_group_path(instance_, "billing") + "/topics";
    expect_json(server_.request("GET", path), 200, R"({"topics":[],"total":0})");
    expect_dms_error(server_.request("GET", path + "?offset=1"), 400, "DMS.00400062",
                     "Invalid {0} parameter in the request.");
    expect_invalid_parameter(server_.request("GET", path + "?sort_key=lag"), "sort_key");
    expect_invalid_parameter(server_.request("GET", path + "?sort_dir=up"), "sort_dir");
    expect_dms_error(server_.request("GET", engine_group_path(instance_, "ghost") + "/topics"), 400,
                     "DMS.111400864", no_group);
}

TEST_F(dms_groups, members_are_always_empty) {
    const auto path = engine_group_path(instance_, "billing") + "/members";
    expect_json(server_.request("GET", path), 200, R"({"members":[],"total":0})");
    expect_json(server_.request("GET", path + "?offset=0&limit=5&host=10.0.0.1&member_id=m"), 200,
                R"({"members":[],"total":0})");
    expect_dms_error(server_.request("GET", path + "?offset=1"), 400, "DMS.00400062",
                     "Invalid {0} parameter in the request.");
    expect_dms_error(server_.request("GET", engine_group_path(instance_, "ghost") + "/members"), 400,
                     "DMS.111400864", no_group);
}

// ---- lifecycle effects on groups ------------------------------------------------------------------------

TEST_F(dms_groups, deleting_a_topic_drops_every_groups_offsets_on_it) {
    ASSERT_EQ(reset(R"({"topic":"orders","partition":-1,"message_offset":0})").status, 204U);
    ASSERT_EQ(reset(R"({"topic":"payments","partition":0,"message_offset":0})").status, 204U);
    ASSERT_EQ(server_.request("POST", topics_path(instance_) + "/delete", R"({"topics":["orders"]})").status,
              200U);
    expect_json(server_.request("GET", engine_group_path(instance_, "billing") + "/topics"), 200,
                R"({"topics":[{"topic":"payments","partitions":1,"lag":1}],"total":1})");
    // A new topic of the same name starts without the group's old offsets.
    create_topic(server_, instance_, "orders", 1);
    expect_json(
        server_.request("GET", engine_group_path(instance_, "billing") + "/message-offset?topic=orders"), 200,
        R"({"group_message_offsets":[],"total":0})");
}

TEST_F(dms_groups, group_routes_refuse_an_instance_that_is_not_running) {
    state::instance_spec spec;
    spec.name = "frozen-kafka";
    spec.status = "FROZEN";
    const auto frozen = server_.state().kafka.create_instance(project_id, spec).spec.instance_id;
    expect_dms_error(server_.request("POST", create_path(frozen), R"({"group_name":"g1"})"), 400,
                     "DMS.00400026", "This operation is not allowed due to the instance status.");
    expect_json(server_.request("GET", instance_path(frozen) + "/groups"), 200, R"({"groups":[],"total":0})");
}

// ---- fixtures ------------------------------------------------------------------------------------------

const std::string fixture_instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

std::string group_fixture(const std::string& groups) {
    return R"({"projects":[{"project_id":")" + project_id + R"(","kafka":{"instances":[{"instance_id":")" +
           fixture_instance + R"(","name":"emu-kafka-01","topics":[{"id":"orders","partition":2,"partitions":[
             {"partition":0,"messages":[{"value":"a"},{"value":"b"},{"value":"c"}]}]}],"groups":)" +
           groups + "}]}}]}";
}

TEST(dms_group_fixtures, groups_load_with_their_committed_offsets) {
    test_server server;
    routes::control::load_fixture_text(group_fixture(R"([{"group_name":"billing","group_desc":"invoices",
                           "offsets":[{"topic":"orders","partition":0,"offset":1}]},{"group_name":"audit"}])"),
                                       "f.json", server.state());
    expect_json(server.request(
                    "GET", engine_group_path(fixture_instance, "billing") + "/message-offset?topic=orders"),
                200,
                R"({"group_message_offsets":[{"topic":"orders","partition":0,"message_current_offset":1,
                    "message_log_start_offset":0,"message_log_end_offset":3,"lag":2,"consumer_id":"","host":"",
                    "client_id":""}],"total":1})");
    const auto listed = server.request("GET", instance_path(fixture_instance) + "/groups").json();
    EXPECT_EQ(listed["total"].GetInt(), 2);
    EXPECT_STREQ(listed["groups"][1]["group_desc"].GetString(), "invoices");
}

TEST(dms_group_fixtures, a_bad_group_entry_names_its_path_and_problem) {
    const auto refused = [](const std::string& groups) {
        test_server server;
        try {
            routes::control::load_fixture_text(group_fixture(groups), "f.json", server.state());
        } catch (const routes::control::fixture_error& e) {
            return std::string(e.what());
        }
        return std::string("loaded");
    };
    const std::string at = "f.json: $.projects[0].kafka.instances[0].groups[0]";
    EXPECT_EQ(refused(R"([{"group_name":"bad name"}])"),
              at + ": Invalid group_name parameter in the request. (DMS.00400062)");
    EXPECT_EQ(refused(R"([{"group_name":"g","offsets":[{"topic":"refunds","partition":0,"offset":0}]}])"),
              at + ".offsets[0]: Invalid topic in the request. (DMS.00400062)");
    EXPECT_EQ(refused(R"([{"group_name":"g","offsets":[{"topic":"orders","partition":2,"offset":0}]}])"),
              at + ".offsets[0]: Invalid partition parameter in the request. (DMS.00400062)");
    EXPECT_EQ(refused(R"([{"group_name":"g"},{"group_name":"g"}])"),
              "f.json: $.projects[0].kafka.instances[0].groups[1]: The consumer group already exists. "
              "(DMS.10240018)");
}

}  // namespace
}  // namespace emu::test
