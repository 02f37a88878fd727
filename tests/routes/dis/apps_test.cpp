// Route tests for DIS create app (reference dis-api.md §6.1) and for the conventions every DIS route
// shares (§3, §8): project id checks, body errors, X-Request-Id, project isolation.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "routes/dis/records.hpp"
#include "routes/pipeline.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

http_reply create_app_with(const test_server& server, const std::string& body,
                           const std::string& project = project_id, const header_list& headers = {}) {
    return server.request("POST", path("/apps", project), body, headers);
}

http_reply create_stream(const test_server& server, const std::string& name, int partitions,
                         const std::string& project = project_id) {
    return server.request(
        "POST", path("/streams", project),
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + "}");
}

http_reply commit(const test_server& server, const std::string& app, const std::string& stream,
                  const std::string& sequence, const std::string& project = project_id) {
    return server.request("POST", path("/checkpoints", project),
                          R"({"app_name":")" + app + R"(","checkpoint_type":"LAST_READ","stream_name":")" +
                              stream + R"(","partition_id":"0","sequence_number":")" + sequence + R"("})");
}

std::string sequence_number_of(const test_server& server, const std::string& app, const std::string& stream,
                               const std::string& project = project_id) {
    const auto reply =
        server.request("GET", path("/checkpoints?app_name=" + app +
                                       "&checkpoint_type=LAST_READ&partition_id=0&stream_name=" + stream,
                                   project));
    EXPECT_TRUE(is_json_answer(reply)) << reply.body;
    const auto body = reply.json();
    if (!body.IsObject() || !body.HasMember("sequence_number") || !body["sequence_number"].IsString()) {
        ADD_FAILURE() << "not a checkpoint body: " << reply.body;
        return "<invalid>";
    }
    return body["sequence_number"].GetString();
}

// Whether the app exists, seen through the checkpoint endpoints: a commit on an empty partition at 0 is
// refused with DIS.4332 only when the app is missing. Needs a stream "probe".
bool app_exists(const test_server& server, const std::string& app, const std::string& project = project_id) {
    const auto reply = commit(server, app, "probe", "0", project);
    if (reply.status == 201) return true;
    EXPECT_TRUE(is_dis_error(reply, "DIS.4332", "app not found."));
    return false;
}

// --- POST /v2/{project_id}/apps ------------------------------------------------------------------------

TEST(dis_create_app, answers_201_with_no_body_and_the_app_exists) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    EXPECT_FALSE(app_exists(server, "billing"));
    const auto reply = create_app(server, "billing");
    EXPECT_TRUE(is_empty_answer(reply, 201));
    EXPECT_EQ(reply.header("content-length"), "0");
    EXPECT_TRUE(app_exists(server, "billing"));
}

TEST(dis_create_app, duplicate_name_is_dis_4330) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    ASSERT_TRUE(is_empty_answer(create_app(server, "billing"), 201));
    ASSERT_TRUE(is_empty_answer(commit(server, "billing", "probe", "0"), 201));
    EXPECT_TRUE(is_dis_error(create_app(server, "billing"), "DIS.4330", "app already exist."));
    // The existing app and its checkpoint are untouched.
    EXPECT_EQ(sequence_number_of(server, "billing", "probe"), "0");
}

TEST(dis_create_app, app_name_is_1_to_200_letters_digits_underscore_or_hyphen) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    const std::string message = "Invalid request. [app_name: must be 1 to 200 letters, digits, _ or -]";
    for (const std::string& name : std::vector<std::string>{"", "bad name", "dot.name", "slash/name",
                                                            "caf\xC3\xA9", std::string(201, 'a')}) {
        SCOPED_TRACE("app_name=" + name);
        EXPECT_TRUE(is_dis_error(create_app(server, name), "DIS.4200", message));
    }
    EXPECT_TRUE(is_dis_error(create_app_with(server, R"({"name":"billing"})"), "DIS.4200",
                             "Invalid request. [app_name: is required]"));
    EXPECT_TRUE(is_dis_error(create_app_with(server, R"({"app_name":null})"), "DIS.4200",
                             "Invalid request. [app_name: is required]"));
    EXPECT_TRUE(is_dis_error(create_app_with(server, R"({"app_name":42})"), "DIS.4200",
                             "Invalid request. [app_name: must be a string]"));

    EXPECT_TRUE(is_empty_answer(create_app(server, std::string(200, 'a')), 201));
    EXPECT_TRUE(is_empty_answer(create_app(server, "A-z_09"), 201));
    EXPECT_TRUE(app_exists(server, "A-z_09"));
    EXPECT_TRUE(is_empty_answer(create_app(server, "x"), 201));
    EXPECT_TRUE(app_exists(server, "x"));
}

TEST(dis_create_app, empty_or_unparsable_body) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    EXPECT_TRUE(is_dis_error(create_app_with(server, ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(create_app_with(server, " \r\n\t"), "DIS.4202", "Empty request."));
    EXPECT_TRUE(
        is_dis_error(create_app_with(server, R"({"app_name":"billing")"), "DIS.4300", "Request error."));
    EXPECT_TRUE(
        is_dis_error(create_app_with(server, R"({"app_name":"billing"} x)"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(create_app_with(server, R"(["billing"])"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(create_app_with(server, "{\"app_name\":\"bil\xFFling\"}"), "DIS.4300",
                             "Request error."));
    EXPECT_FALSE(app_exists(server, "billing"));
}

TEST(dis_create_app, ignores_unknown_fields) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    EXPECT_TRUE(is_empty_answer(
        create_app_with(server, R"({"app_name":"billing","app_id":"x","extra":[1,2]})"), 201));
    EXPECT_TRUE(app_exists(server, "billing"));
}

TEST(dis_create_app, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    const std::string body = R"({"app_name":"billing"})";
    EXPECT_TRUE(is_dis_error(create_app_with(server, body, "0123456789abcdef0123456789abcdeX"), "DIS.4117",
                             "Invalid Project Id. [0123456789abcdef0123456789abcdeX]"));
    EXPECT_TRUE(is_dis_error(create_app_with(server, body, project_id, {{"X-Project-Id", other_project_id}}),
                             "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_FALSE(app_exists(server, "billing"));
    EXPECT_TRUE(
        is_empty_answer(create_app_with(server, body, project_id, {{"X-Project-Id", project_id}}), 201));
    EXPECT_TRUE(app_exists(server, "billing"));
}

TEST(dis_create_app, projects_are_isolated) {
    test_server server;
    ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
    ASSERT_EQ(create_stream(server, "probe", 1, other_project_id).status, 201U);
    ASSERT_TRUE(is_empty_answer(create_app(server, "billing"), 201));
    EXPECT_FALSE(app_exists(server, "billing", other_project_id));
    EXPECT_TRUE(is_empty_answer(create_app(server, "billing", other_project_id), 201));
    EXPECT_TRUE(app_exists(server, "billing", other_project_id));
    EXPECT_TRUE(
        is_dis_error(create_app(server, "billing", other_project_id), "DIS.4330", "app already exist."));
}

// --- Conventions shared by every DIS route --------------------------------------------------------------

struct dis_call {
    std::string method;
    std::string rest;  // path after /{version}/{project_id}
    std::string body;
    std::string version = "v2";
};

// The call's target for `project`.
std::string target(const dis_call& call, const std::string& project = project_id) {
    return "/" + call.version + "/" + project + call.rest;
}

// The stream the tag routes name by id (the conventions fixture pins it).
const std::string tagged_stream_id = "EmuStreamOrders0001";
const std::string obs_task =
    R"({"destination_type":"OBS","obs_destination_descriptor":{"task_name":"fresh","obs_bucket_path":"b"}})";

// One valid request per DIS route in the route table, each aimed at resources that exist. Run in this order
// they all succeed: what one creates ("fresh") a later one deletes.
std::vector<dis_call> every_dis_route() {
    // A cursor at the start of orders/0, issued at the manual clock's start; any stream id is accepted.
    const std::string cursor = routes::dis::encode_cursor({"orders", "", 0, 0, 1'700'000'000'000});
    return {
        {"POST", "/streams", R"({"stream_name":"fresh","partition_count":1})"},
        {"GET", "/streams", ""},
        {"GET", "/streams/orders", ""},
        {"PUT", "/streams/fresh", R"({"stream_name":"fresh","target_partition_count":2})"},
        {"PUT", "/streams/fresh/update", R"({"stream_name":"fresh","data_type":"JSON"})"},
        {"DELETE", "/streams/fresh", ""},
        {"POST", "/records",
         R"({"stream_name":"orders","records":[{"data":"ZGF0YQ==","partition_id":"0"}]})"},
        {"GET", "/cursors?cursor-type=TRIM_HORIZON&partition-id=0&stream-name=orders", ""},
        {"GET", "/records?partition-cursor=" + cursor, ""},
        {"POST", "/apps", R"({"app_name":"fresh"})"},
        {"GET", "/apps", ""},
        {"GET", "/apps/billing", ""},
        {"DELETE", "/apps/fresh", ""},
        {"GET", "/apps/billing/streams/orders?checkpoint_type=LAST_READ", ""},
        {"POST", "/checkpoints",
         R"({"app_name":"billing","checkpoint_type":"LAST_READ","stream_name":"orders","partition_id":"0",)"
         R"("sequence_number":"1"})"},
        {"GET", "/checkpoints?app_name=billing&checkpoint_type=LAST_READ&partition_id=0&stream_name=orders",
         ""},
        {"DELETE", "/checkpoints?app_name=billing&checkpoint_type=LAST_READ&stream_name=orders", ""},
        // The Kafka adapter's group coordination: a consumer joins, heartbeats, syncs and leaves.
        {"POST", "/apps/billing/consumers", R"({"clientId":"c","interestedStream":["orders"]})"},
        {"POST", "/apps/billing/consumers/c/heartbeats", R"({"generation":-1})"},
        {"POST", "/apps/billing/consumers/c/partitions", R"({"generation":-1})"},
        {"DELETE", "/apps/billing/consumers/c", ""},
        // UpdateStream v3, policies, monitoring
        {"PUT", "/streams/orders", R"({"stream_name":"orders","data_duration":24})", "v3"},
        {"GET", "/streams/orders/policies", ""},
        {"GET", "/streams/orders/metrics?label=total_put_records_per_stream&start_time=0&end_time=600", ""},
        {"GET",
         "/streams/orders/partitions/0/"
         "metrics?label=total_put_records_per_partition&start_time=0&end_time=600",
         ""},
        // Tags
        {"POST", "/stream/" + tagged_stream_id + "/tags", R"({"tag":{"key":"fresh","value":"v"}})"},
        {"POST", "/stream/" + tagged_stream_id + "/tags/action",
         R"({"action":"create","tags":[{"key":"other","value":"v"}]})"},
        {"GET", "/stream/" + tagged_stream_id + "/tags", ""},
        {"GET", "/stream/tags", ""},
        {"POST", "/stream/resource_instances/action", R"({"action":"count"})"},
        {"DELETE", "/stream/" + tagged_stream_id + "/tags/fresh", ""},
        // Transfer tasks (configuration only)
        {"POST", "/streams/orders/transfer-tasks", obs_task},
        {"GET", "/streams/orders/transfer-tasks", ""},
        {"PUT", "/streams/orders/transfer-tasks", obs_task},
        {"GET", "/streams/orders/transfer-tasks/fresh", ""},
        {"POST", "/streams/orders/transfer-tasks/action", R"({"action":"stop","tasks":[{"id":"fresh"}]})"},
        {"DELETE", "/streams/orders/transfer-tasks/fresh", ""},
        {"POST", "/stream/orders/transfer-tasks", obs_task},
        {"GET", "/stream/orders/transfer-tasks/fresh", ""},
    };
}

TEST(dis_conventions_table, every_dis_route_of_the_route_table_is_exercised) {
    const auto router = routes::make_pipeline();
    std::set<std::string> tested;
    for (const auto& call : every_dis_route()) {
        std::vector<std::string> segments;
        const std::string raw = project_id + call.rest.substr(0, call.rest.find('?'));
        segments.emplace_back(call.version);
        for (std::size_t start = 0;;) {
            const auto slash = raw.find('/', start);
            segments.push_back(
                raw.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        const auto matched = router.match(call.method, segments);
        ASSERT_NE(matched.found, nullptr) << call.method << " " << call.rest;
        tested.insert(call.method + " " + matched.found->path_template);
    }
    // What the emulator does not model has no valid request; native_routes_test covers that route.
    const std::set<std::string> not_emulated{"ShowFileUploadState"};
    for (const auto& r : router.routes()) {
        if (r.family != routes::service::dis || not_emulated.contains(r.operation)) continue;
        EXPECT_TRUE(tested.contains(r.method + " " + r.path_template)) << r.method << " " << r.path_template;
    }
}

class dis_conventions : public testing::Test {
  protected:
    void SetUp() override {
        state::stream_spec orders;
        orders.stream_name = "orders";
        orders.stream_id = tagged_stream_id;
        server.state().dis.create_stream(project_id, orders);
        ASSERT_EQ(create_stream(server, "probe", 1).status, 201U);
        ASSERT_EQ(create_app(server, "billing").status, 201U);
        ASSERT_EQ(
            server
                .request("POST", path("/records"),
                         R"({"stream_name":"orders","records":[{"data":"ZGF0YQ=="},{"data":"ZGF0YQ=="}]})")
                .status,
            200U);
        ASSERT_EQ(commit(server, "billing", "orders", "2").status, 201U);
    }

    // Nothing any of every_dis_route() would change has changed.
    void expect_unchanged() {
        EXPECT_TRUE(is_dis_error(server.request("GET", path("/streams/fresh")), "DIS.4301",
                                 "The stream does not exist. [fresh][" + project_id + "]"));
        EXPECT_FALSE(app_exists(server, "fresh"));
        const auto shown = server.request("GET", path("/streams/orders"));
        EXPECT_NE(shown.body.find(R"("sequence_number_range":"[0 : 2]")"), std::string::npos) << shown.body;
        EXPECT_EQ(sequence_number_of(server, "billing", "orders"), "2");
    }

    test_server server;
};

TEST_F(dis_conventions, malformed_project_id_is_dis_4117_on_every_route) {
    for (const std::string bad : {"not-a-project", "0123456789abcdef0123456789abcde",
                                  "0123456789abcdef0123456789abcdefa", "0123456789abcdef0123456789abcdeg"}) {
        for (const auto& call : every_dis_route()) {
            SCOPED_TRACE(call.method + " " + call.rest + " project " + bad);
            EXPECT_TRUE(is_dis_error(server.request(call.method, target(call, bad), call.body), "DIS.4117",
                                     "Invalid Project Id. [" + bad + "]"));
        }
    }
    expect_unchanged();
}

TEST_F(dis_conventions, x_project_id_naming_another_project_is_dis_4117_on_every_route) {
    for (const auto& call : every_dis_route()) {
        SCOPED_TRACE(call.method + " " + call.rest);
        EXPECT_TRUE(is_dis_error(
            server.request(call.method, target(call), call.body, {{"X-Project-Id", other_project_id}}),
            "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    }
    expect_unchanged();
}

TEST_F(dis_conventions, project_id_is_checked_before_the_body) {
    for (const auto& call : every_dis_route()) {
        if (call.method != "POST") continue;
        SCOPED_TRACE(call.rest);
        EXPECT_TRUE(is_dis_error(server.request("POST", target(call, "bad"), ""), "DIS.4117",
                                 "Invalid Project Id. [bad]"));
        EXPECT_TRUE(
            is_dis_error(server.request("POST", target(call), "", {{"X-Project-Id", other_project_id}}),
                         "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    }
    expect_unchanged();
}

TEST_F(dis_conventions, empty_and_unparsable_bodies_on_every_post_route) {
    for (const auto& call : every_dis_route()) {
        if (call.method != "POST") continue;
        SCOPED_TRACE(call.rest);
        EXPECT_TRUE(is_dis_error(server.request("POST", target(call), ""), "DIS.4202", "Empty request."));
        EXPECT_TRUE(is_dis_error(server.request("POST", target(call), "{"), "DIS.4300", "Request error."));
        EXPECT_TRUE(
            is_dis_error(server.request("POST", target(call), "{'a':1}"), "DIS.4300", "Request error."));
        EXPECT_TRUE(is_dis_error(server.request("POST", target(call), "42"), "DIS.4300", "Request error."));
    }
    expect_unchanged();
}

TEST_F(dis_conventions, every_answer_has_its_own_request_id) {
    std::set<std::string> seen;
    for (const auto& call : every_dis_route()) {
        SCOPED_TRACE(call.method + " " + call.rest);
        for (const auto& reply : {server.request(call.method, target(call), call.body),
                                  server.request(call.method, target(call, "bad"), call.body)}) {
            const auto& id = reply.header("x-request-id");
            EXPECT_TRUE(is_request_id(id)) << "'" << id << "'";
            EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
        }
    }
}

TEST_F(dis_conventions, x_project_id_equal_to_the_path_is_accepted_on_every_route) {
    // 200 is a JSON answer, 0 an empty 200.
    const std::vector<unsigned> expected{201, 200, 200, 200, 200, 204, 200, 200, 200, 201, 200, 200, 204,
                                         200, 201, 200, 204, 200, 200, 200, 204, 204, 200, 200, 200, 204,
                                         204, 200, 200, 200, 204, 201, 200, 0,   200, 0,   204, 201, 200};
    const auto calls = every_dis_route();
    for (std::size_t i = 0; i < calls.size(); ++i) {
        SCOPED_TRACE(calls[i].method + " " + calls[i].rest);
        const auto reply =
            server.request(calls[i].method, target(calls[i]), calls[i].body, {{"X-Project-Id", project_id}});
        ASSERT_LT(i, expected.size());
        if (expected[i] == 0) {
            EXPECT_TRUE(is_empty_answer(reply, 200)) << reply.body;
        } else if (expected[i] == 200) {
            EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        } else {
            EXPECT_TRUE(is_empty_answer(reply, expected[i]));
        }
    }
}

TEST(dis_isolation, same_names_in_two_projects_never_meet) {
    test_server server;
    for (const auto& project : {project_id, other_project_id}) {
        ASSERT_EQ(create_stream(server, "orders", 1, project).status, 201U);
        ASSERT_EQ(create_app(server, "billing", project).status, 201U);
    }
    ASSERT_EQ(server
                  .request("POST", path("/records"),
                           R"({"stream_name":"orders","records":[{"data":"ZGF0YQ=="},{"data":"ZGF0YQ=="}]})")
                  .status,
              200U);
    ASSERT_TRUE(is_empty_answer(commit(server, "billing", "orders", "2"), 201));
    EXPECT_EQ(sequence_number_of(server, "billing", "orders"), "2");
    EXPECT_EQ(sequence_number_of(server, "billing", "orders", other_project_id), "-1");

    // The other project's "orders" is still empty: 2 is out of its range.
    EXPECT_TRUE(is_dis_error(commit(server, "billing", "orders", "2", other_project_id), "DIS.4224",
                             "Sequence_number out of range. [2][ should be within ][0][ ][0]"));
    ASSERT_TRUE(is_empty_answer(commit(server, "billing", "orders", "0", other_project_id), 201));
    ASSERT_EQ(
        server.request("DELETE", path("/checkpoints?app_name=billing&stream_name=orders", other_project_id))
            .status,
        204U);
    EXPECT_EQ(sequence_number_of(server, "billing", "orders"), "2");
    EXPECT_EQ(sequence_number_of(server, "billing", "orders", other_project_id), "-1");
}

}  // namespace
}  // namespace emu::test
