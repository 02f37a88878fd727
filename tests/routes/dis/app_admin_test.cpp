// Route tests for DIS list apps, show app, delete app and consumer state (reference dis-api.md §6.2-6.5):
// exact shapes and JSON types, paging and filters, every documented error, and that a refused request
// changes nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;

class dis_apps_fixture : public testing::Test {
  protected:
    // Stream "orders" (3 partitions; partition 0 holds 4 records), stream "payments" (1 partition, 1
    // record); apps a, b, c, d; b and d have committed on orders, d also on payments.
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":3})")
                      .status,
                  201U);
        ASSERT_EQ(
            server.request("POST", path("/streams"), R"({"stream_name":"payments","partition_count":1})")
                .status,
            201U);
        ASSERT_EQ(server
                      .request("POST", path("/records"),
                               R"({"stream_name":"orders","records":[{"data":"YQ==","partition_id":"0"},)"
                               R"({"data":"YQ==","partition_id":"0"},{"data":"YQ==","partition_id":"0"},)"
                               R"({"data":"YQ==","partition_id":"0"}]})")
                      .status,
                  200U);
        ASSERT_EQ(server
                      .request("POST", path("/records"),
                               R"({"stream_name":"payments","records":[{"data":"YQ=="}]})")
                      .status,
                  200U);
        for (const char* app : {"d", "b", "a", "c"}) ASSERT_EQ(create_app(server, app).status, 201U);
        ASSERT_EQ(commit("b", "orders", "0", "3").status, 201U);
        ASSERT_EQ(commit("d", "orders", "2", "0").status, 201U);
        ASSERT_EQ(commit("d", "payments", "0", "1").status, 201U);
    }

    http_reply commit(const std::string& app, const std::string& stream, const std::string& partition,
                      const std::string& sequence) {
        return server.request(
            "POST", path("/checkpoints"),
            R"({"app_name":")" + app + R"(","checkpoint_type":"LAST_READ","stream_name":")" + stream +
                R"(","partition_id":")" + partition + R"(","sequence_number":")" + sequence + R"("})");
    }

    std::vector<std::string> app_names(const std::string& query) {
        const auto reply = server.request("GET", path("/apps" + query));
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        std::vector<std::string> out;
        const auto body = reply.json();
        for (const auto& app : body["apps"].GetArray()) out.emplace_back(app["app_name"].GetString());
        return out;
    }

    std::string checkpoint_of(const std::string& app, const std::string& stream,
                              const std::string& partition) {
        return server
            .request("GET", path("/checkpoints?app_name=" + app + "&checkpoint_type=LAST_READ&partition_id=" +
                                 partition + "&stream_name=" + stream))
            .json()["sequence_number"]
            .GetString();
    }

    http_reply state(const std::string& app, const std::string& stream,
                     const std::string& query = "checkpoint_type=LAST_READ") {
        return server.request("GET", path("/apps/" + app + "/streams/" + stream + "?" + query));
    }

    test_server server;
};

using strings = std::vector<std::string>;

// --- GET /v2/{project_id}/apps -----------------------------------------------------------------------------

class dis_list_apps : public dis_apps_fixture {};

TEST_F(dis_list_apps, every_field_with_its_type) {
    const auto reply = server.request("GET", path("/apps?limit=1&start_app_name=c"));
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"total_number", "has_more_app", "apps"}));
    EXPECT_TRUE(has_int(body, "total_number", 4));
    EXPECT_TRUE(has_bool(body, "has_more_app", false));
    ASSERT_EQ(body["apps"].Size(), 1U);
    const auto& app = body["apps"][0];
    EXPECT_TRUE(has_members(app, {"app_name", "app_id", "create_time", "commit_checkpoint_stream_names"}));
    EXPECT_TRUE(has_string(app, "app_name", "d"));
    EXPECT_EQ(std::string(app["app_id"].GetString()).size(), 19U);
    EXPECT_TRUE(has_int(app, "create_time", start_ms));
    ASSERT_TRUE(app["commit_checkpoint_stream_names"].IsArray());
    ASSERT_EQ(app["commit_checkpoint_stream_names"].Size(), 2U);
    EXPECT_EQ(app["commit_checkpoint_stream_names"][0].GetString(), std::string("orders"));
    EXPECT_EQ(app["commit_checkpoint_stream_names"][1].GetString(), std::string("payments"));
}

TEST_F(dis_list_apps, sorted_by_name_and_paged) {
    EXPECT_EQ(app_names(""), (strings{"a", "b", "c", "d"}));
    EXPECT_EQ(app_names("?limit=2"), (strings{"a", "b"}));
    EXPECT_TRUE(has_bool(server.request("GET", path("/apps?limit=2")).json(), "has_more_app", true));
    EXPECT_EQ(app_names("?limit=2&start_app_name=b"), (strings{"c", "d"}));
    EXPECT_EQ(app_names("?start_app_name=bb"), (strings{"c", "d"}));
    EXPECT_TRUE(app_names("?start_app_name=d").empty());
}

TEST_F(dis_list_apps, stream_name_keeps_apps_that_committed_on_it) {
    EXPECT_EQ(app_names("?stream_name=orders"), (strings{"b", "d"}));
    EXPECT_EQ(app_names("?stream_name=payments"), (strings{"d"}));
    const auto body = server.request("GET", path("/apps?stream_name=orders&limit=1")).json();
    EXPECT_TRUE(has_int(body, "total_number", 2));
    EXPECT_TRUE(has_bool(body, "has_more_app", true));
    const auto none = server.request("GET", path("/apps?stream_name=nope")).json();
    EXPECT_TRUE(has_int(none, "total_number", 0));
    EXPECT_TRUE(has_empty_array(none, "apps"));
}

TEST_F(dis_list_apps, limit_outside_1_to_100_is_dis_4200) {
    for (const std::string limit : {"0", "101", "x"}) {
        EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps?limit=" + limit)), "DIS.4200",
                                 "Invalid request. [limit: must be an integer from 1 to 100]"));
    }
}

TEST_F(dis_list_apps, malformed_project_id_or_other_x_project_id_is_dis_4117_and_projects_are_isolated) {
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/apps", "bad")), "DIS.4117", "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps"), {}, {{"X-Project-Id", other_project_id}}),
                             "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(has_int(server.request("GET", path("/apps", other_project_id)).json(), "total_number", 0));
}

// --- GET /v2/{project_id}/apps/{app_name}
// ---------------------------------------------------------------------

class dis_show_app : public dis_apps_fixture {};

TEST_F(dis_show_app, every_field_with_its_type) {
    const auto reply = server.request("GET", path("/apps/b"));
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"app_name", "app_id", "create_time", "commit_checkpoint_stream_names"}));
    EXPECT_TRUE(has_string(body, "app_name", "b"));
    EXPECT_TRUE(body["app_id"].IsString());
    EXPECT_TRUE(has_int(body, "create_time", start_ms));
    ASSERT_EQ(body["commit_checkpoint_stream_names"].Size(), 1U);
    EXPECT_TRUE(
        has_empty_array(server.request("GET", path("/apps/a")).json(), "commit_checkpoint_stream_names"));
}

TEST_F(dis_show_app, unknown_app_is_dis_4332_and_a_bad_name_dis_4200) {
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps/nope")), "DIS.4332", "app not found."));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/apps/b", other_project_id)), "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps/a%2Fb")), "DIS.4200",
                             "Invalid request. [app_name: must be 1 to 200 letters, digits, _ or -]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/apps/b", "bad")), "DIS.4117", "Invalid Project Id. [bad]"));
}

// --- DELETE /v2/{project_id}/apps/{app_name} ---------------------------------------------------------------

class dis_delete_app : public dis_apps_fixture {};

TEST_F(dis_delete_app, answers_204_and_takes_its_checkpoints) {
    EXPECT_TRUE(is_empty_answer(server.request("DELETE", path("/apps/d")), 204));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/apps/d")), "DIS.4332", "app not found."));
    EXPECT_EQ(app_names(""), (strings{"a", "b", "c"}));
    EXPECT_EQ(app_names("?stream_name=payments"), strings{});
    EXPECT_EQ(checkpoint_of("b", "orders", "0"), "3");
    // Created again, the app has no checkpoints.
    ASSERT_EQ(create_app(server, "d").status, 201U);
    EXPECT_EQ(checkpoint_of("d", "orders", "2"), "-1");
    EXPECT_EQ(checkpoint_of("d", "payments", "0"), "-1");
}

TEST_F(dis_delete_app, unknown_app_is_dis_4332_and_bad_project_dis_4117_and_nothing_changes) {
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/apps/nope")), "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/apps/d", "bad")), "DIS.4117",
                             "Invalid Project Id. [bad]"));
    EXPECT_TRUE(
        is_dis_error(server.request("DELETE", path("/apps/d"), {}, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(is_dis_error(server.request("DELETE", path("/apps/d", other_project_id)), "DIS.4332",
                             "app not found."));
    EXPECT_EQ(app_names(""), (strings{"a", "b", "c", "d"}));
    EXPECT_EQ(checkpoint_of("d", "payments", "0"), "1");
}

// --- GET /v2/{project_id}/apps/{app_name}/streams/{stream_name} --------------------------------------------

class dis_show_consumer_state : public dis_apps_fixture {};

TEST_F(dis_show_consumer_state, every_field_with_its_type) {
    const auto reply = state("b", "orders");
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"has_more", "stream_name", "app_name", "partition_consuming_states"}));
    EXPECT_TRUE(has_bool(body, "has_more", false));
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    EXPECT_TRUE(has_string(body, "app_name", "b"));
    const auto& states = body["partition_consuming_states"];
    ASSERT_EQ(states.Size(), 3U);
    EXPECT_TRUE(has_members(states[0], {"partition_id", "sequence_number", "latest_offset", "earliest_offset",
                                        "checkpoint_type", "status"}));
    EXPECT_TRUE(has_string(states[0], "partition_id", "shardId-0000000000"));
    EXPECT_TRUE(has_string(states[0], "sequence_number", "3"));
    EXPECT_TRUE(has_int(states[0], "latest_offset", 4));
    EXPECT_TRUE(has_int(states[0], "earliest_offset", 0));
    EXPECT_TRUE(has_string(states[0], "checkpoint_type", "LAST_READ"));
    EXPECT_TRUE(has_string(states[0], "status", "ACTIVE"));
    EXPECT_TRUE(has_string(states[1], "sequence_number", "-1"));
    EXPECT_TRUE(has_int(states[1], "latest_offset", 0));
    // An app with nothing committed on the stream still answers 200, "-1" everywhere (not DIS.4375).
    const auto fresh = state("a", "orders").json();
    for (const auto& s : fresh["partition_consuming_states"].GetArray())
        EXPECT_TRUE(has_string(s, "sequence_number", "-1"));
}

TEST_F(dis_show_consumer_state, pages_with_start_partition_id_in_every_form_and_limit) {
    for (const std::string start : {"0", "shardId-0000000000"}) {
        SCOPED_TRACE(start);
        const auto body =
            state("d", "orders", "checkpoint_type=LAST_READ&limit=1&start_partition_id=" + start).json();
        ASSERT_EQ(body["partition_consuming_states"].Size(), 1U);
        EXPECT_TRUE(has_string(body["partition_consuming_states"][0], "partition_id", "shardId-0000000001"));
        EXPECT_TRUE(has_bool(body, "has_more", true));
    }
    const auto last = state("d", "orders", "checkpoint_type=LAST_READ&start_partition_id=1").json();
    ASSERT_EQ(last["partition_consuming_states"].Size(), 1U);
    EXPECT_TRUE(has_string(last["partition_consuming_states"][0], "sequence_number", "0"));
    EXPECT_TRUE(has_bool(last, "has_more", false));
    EXPECT_TRUE(has_empty_array(state("d", "orders", "checkpoint_type=LAST_READ&start_partition_id=2").json(),
                                "partition_consuming_states"));
}

TEST_F(dis_show_consumer_state, documented_errors) {
    EXPECT_TRUE(is_dis_error(state("b", "orders", ""), "DIS.4200",
                             "Invalid request. [checkpoint_type: is required]"));
    EXPECT_TRUE(is_dis_error(state("b", "orders", "checkpoint_type=LAST_WRITE"), "DIS.4200",
                             "Invalid request. [checkpoint_type: must be LAST_READ]"));
    EXPECT_TRUE(is_dis_error(state("b", "orders", "checkpoint_type=LAST_READ&limit=1001"), "DIS.4200",
                             "Invalid request. [limit: must be an integer from 1 to 1000]"));
    EXPECT_TRUE(is_dis_error(state("b", "orders", "checkpoint_type=LAST_READ&start_partition_id=p1"),
                             "DIS.4201", "Invalid partition_id. [p1]"));
    EXPECT_TRUE(is_dis_error(state("b", "nope"), "DIS.4301",
                             "The stream does not exist. [nope][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(state("nope", "orders"), "DIS.4332", "app not found."));
    EXPECT_TRUE(is_dis_error(state("nope", "nope"), "DIS.4301",
                             "The stream does not exist. [nope][" + project_id + "]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/apps/b/streams/orders?checkpoint_type=LAST_READ", "bad")),
                     "DIS.4117", "Invalid Project Id. [bad]"));
}

}  // namespace
}  // namespace emu::test
