// Route tests for fault injection (/_emulator/faults): rule CRUD and validation, error answers in each
// service's format, a client retry loop, delay, dropped connections, seeded determinism, and bounds.
#include "routes/control/faults.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "routes/control/fixture.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace net = boost::asio;

const std::string dis_base = "/v2/" + project_id;
const std::string checkpoint_query = "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders";
const std::string instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

void load_example_fixture(test_server& server) {
    routes::control::load_fixture_file(std::string(EMU_SOURCE_DIR) + "/examples/fixture.json",
                                       server.state());
}

http_reply add_rule(const test_server& server, const std::string& rule) {
    return http_request(server.port(), "POST", "/_emulator/faults", rule,
                        {{"Content-Type", "application/json"}});
}

std::string str(const rapidjson::Value& v, const char* key) {
    if (!v.IsObject() || !v.HasMember(key) || !v[key].IsString()) return "<not a string>";
    return v[key].GetString();
}

TEST(emulator_faults, post_answers_the_rule_with_its_id_and_get_lists_it) {
    test_server server;
    const auto added = add_rule(
        server, R"({"operation":"DeleteCheckpoint","status":503,"count":2,"probability":0.5,"seed":7})");
    ASSERT_EQ(added.status, 201U) << added.body;
    EXPECT_EQ(added.header("content-type"), "application/json;charset=UTF-8");
    EXPECT_EQ(
        added.body,
        R"({"id":1,"operation":"DeleteCheckpoint","status":503,"probability":0.5,"seed":7,"count":2,"remaining":2,"hits":0})");
    const auto second =
        add_rule(server, R"({"method":"get","path":"/v2/{project_id}/streams","delay_ms":5})");
    ASSERT_EQ(second.status, 201U) << second.body;
    EXPECT_EQ(
        second.body,
        R"({"id":2,"method":"GET","path":"/v2/{project_id}/streams","delay_ms":5,"probability":1.0,"seed":2,"hits":0})");

    const auto listed = http_request(server.port(), "GET", "/_emulator/faults");
    EXPECT_EQ(listed.status, 200U);
    EXPECT_EQ(listed.body, R"({"faults":[)" + added.body + "," + second.body + "]}");
}

TEST(emulator_faults, delete_removes_one_rule_or_all) {
    test_server server;
    add_rule(server, R"({"operation":"ShowStream","status":500})");
    add_rule(server, R"({"operation":"ListStreams","status":500})");
    add_rule(server, R"({"operation":"ShowApp","status":500})");
    auto reply = http_request(server.port(), "DELETE", "/_emulator/faults/2");
    EXPECT_EQ(reply.status, 204U);
    EXPECT_EQ(reply.body, "");
    auto listed = http_request(server.port(), "GET", "/_emulator/faults").json();
    ASSERT_EQ(listed["faults"].Size(), 2U);
    EXPECT_EQ(listed["faults"][0]["id"].GetUint64(), 1U);
    EXPECT_EQ(listed["faults"][1]["id"].GetUint64(), 3U);

    for (const auto* target : {"/_emulator/faults/2", "/_emulator/faults/99", "/_emulator/faults/x"}) {
        reply = http_request(server.port(), "DELETE", target);
        EXPECT_EQ(reply.status, 404U) << target;
        EXPECT_EQ(str(reply.json(), "error_code"), "EMU.0404");
    }
    EXPECT_EQ(server.control().faults.size(), 2U);

    reply = http_request(server.port(), "DELETE", "/_emulator/faults");
    EXPECT_EQ(reply.status, 204U);
    EXPECT_EQ(http_request(server.port(), "GET", "/_emulator/faults").body, R"({"faults":[]})");
    // With no rule left, the routes answer as usual.
    EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 200U);
}

TEST(emulator_faults, refuses_bad_rules_naming_the_problem_and_keeps_none) {
    test_server server;
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"operation":"DeleteCheckpoint","staus":500})", "unknown field \"staus\""},
        {R"({"operation":"DeleteCheckpoint"})", "a rule needs an action"},
        {R"({"drop":false})", "a rule needs an action"},
        {R"({"drop":true,"status":500})", "drop cannot be combined"},
        {R"({"status":200})", "status must be an integer from 400 to 599"},
        {R"({"status":"500"})", "status must be an integer"},
        {R"({"status":500,"probability":1.5})", "probability must be a number from 0 to 1"},
        {R"({"status":500,"count":0})", "count must be an integer from 1"},
        {R"({"status":500,"seed":-1})", "seed must be an integer"},
        {R"({"delay_ms":300001})", "delay_ms must be an integer from 0 to 300000"},
        {R"({"status":500,"method":"FETCH"})", "method must be one of"},
        {R"({"status":500,"path":"v2/x"})", "path must be a route template"},
        {R"({"status":500,"operation":"DeleteCheckpoints"})",
         "operation \"DeleteCheckpoints\" is not a cloud API operation"},
        {R"({"status":500,"operation":"ListFaults"})", "is not a cloud API operation"},
        {R"({"status":500,"operation":""})", "operation must not be empty"},
        {R"({"status":500,"error_code":null})", "error_code must not be null"},
        {R"({"drop":"yes"})", "drop must be true or false"},
        {R"([{"status":500}])", "a rule must be a JSON object"},
        {R"({"status":500)", "not valid JSON"},
    };
    for (const auto& [body, message] : cases) {
        const auto reply = add_rule(server, body);
        EXPECT_EQ(reply.status, 400U) << body;
        const auto doc = reply.json();
        EXPECT_EQ(str(doc, "error_code"), "EMU.0400") << body;
        EXPECT_NE(str(doc, "error_msg").find(message), std::string::npos) << body << " -> " << reply.body;
    }
    EXPECT_EQ(server.control().faults.size(), 0U);
    const auto too_big =
        add_rule(server, R"({"status":500,"error_msg":")" + std::string(70'000, 'x') + R"("})");
    EXPECT_EQ(too_big.status, 413U);
    EXPECT_EQ(str(too_big.json(), "error_code"), "EMU.0413");
}

// What a client with a retry policy sees: exactly two injected 500s, then the real answer.
TEST(emulator_faults, a_retrying_client_sees_exactly_two_injected_500s_then_success) {
    test_server server;
    load_example_fixture(server);
    ASSERT_EQ(add_rule(server, R"({"operation":"DeleteCheckpoint","status":500,"count":2})").status, 201U);

    std::vector<unsigned> seen;
    std::vector<std::string> bodies;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto reply = server.request("DELETE", dis_base + "/checkpoints?" + checkpoint_query);
        seen.push_back(reply.status);
        bodies.push_back(reply.body);
        if (reply.status < 500) break;
    }
    EXPECT_EQ(seen, (std::vector<unsigned>{500, 500, 204}));
    EXPECT_EQ(bodies[0], R"({"errorCode":"DIS.5000","message":"System error."})");
    EXPECT_EQ(bodies[1], bodies[0]);
    // The injected failures changed nothing: the checkpoint was there for the third call to delete.
    const auto after = server.request(
        "GET",
        dis_base +
            "/checkpoints?stream_name=orders&partition_id=0&app_name=billing&checkpoint_type=LAST_READ");
    EXPECT_EQ(after.body, R"({"sequence_number":"-1","metadata":""})");
    // The rule is used up and gone; the journal shows which answers it made.
    EXPECT_EQ(http_request(server.port(), "GET", "/_emulator/faults").body, R"({"faults":[]})");
    const auto journal =
        http_request(server.port(), "GET", "/_emulator/requests?operation=DeleteCheckpoint").json();
    ASSERT_EQ(journal["requests"].Size(), 3U);
    EXPECT_EQ(journal["requests"][0]["fault_id"].GetUint64(), 1U);
    EXPECT_EQ(journal["requests"][1]["fault_id"].GetUint64(), 1U);
    EXPECT_TRUE(journal["requests"][2]["fault_id"].IsNull());
}

TEST(emulator_faults, answers_in_each_services_format_with_defaults_and_overrides) {
    test_server server;
    load_example_fixture(server);
    add_rule(server, R"({"operation":"ListInstances","count":1,"status":500})");
    auto reply = server.request("GET", "/v2/" + project_id + "/instances");
    EXPECT_EQ(reply.status, 500U);
    EXPECT_EQ(reply.body, R"({"error_code":"DMS.00500000","error_msg":"Internal service error."})");
    EXPECT_EQ(reply.header("x-request-id").size(), 32U);

    add_rule(
        server,
        R"({"operation":"ShowInstance","count":1,"status":503,"error_code":"DMS.00503000","error_msg":"Busy."})");
    reply = server.request("GET", "/v2/" + project_id + "/instances/" + instance);
    EXPECT_EQ(reply.status, 503U);
    EXPECT_EQ(reply.body, R"({"error_code":"DMS.00503000","error_msg":"Busy."})");

    // A code from the service's table brings its own status and text.
    add_rule(server, R"({"operation":"ShowStream","count":1,"error_code":"DIS.4301"})");
    reply = server.request("GET", dis_base + "/streams/orders");
    EXPECT_EQ(reply.status, 400U);
    EXPECT_EQ(reply.body, R"({"errorCode":"DIS.4301","message":"The stream does not exist."})");

    add_rule(server, R"({"operation":"ShowStream","count":1,"status":429,"error_msg":"Slow down."})");
    reply = server.request("GET", dis_base + "/streams/orders");
    EXPECT_EQ(reply.status, 429U);
    EXPECT_EQ(reply.body, R"({"errorCode":"DIS.5000","message":"Slow down."})");

    EXPECT_EQ(server.request("GET", dis_base + "/streams/orders").status, 200U);
}

TEST(emulator_faults, matches_on_method_path_template_and_project) {
    test_server server;
    load_example_fixture(server);
    add_rule(server, R"({"method":"GET","path":"/v2/{project_id}/streams/{stream_name}","project_id":")" +
                         other_project_id + R"(","status":500})");
    EXPECT_EQ(server.request("GET", dis_base + "/streams/orders").status, 200U);  // other project
    EXPECT_EQ(server.request("GET", "/v2/" + other_project_id + "/streams/orders").status, 500U);
    EXPECT_EQ(server.request("DELETE", "/v2/" + other_project_id + "/streams/nope").status,
              400U);                                                                        // other method
    EXPECT_EQ(server.request("GET", "/v2/" + other_project_id + "/streams").status, 200U);  // other path

    http_request(server.port(), "DELETE", "/_emulator/faults");
    add_rule(server,
             R"({"path":"/v2/)" + project_id + R"(/streams/orders","status":502})");  // a concrete path
    EXPECT_EQ(server.request("GET", dis_base + "/streams/orders").status, 502U);
    EXPECT_EQ(server.request("PUT", dis_base + "/streams/orders", "{}").status, 502U);
    EXPECT_EQ(server.request("GET", dis_base + "/streams/other").status,
              400U);  // the real answer: no such stream

    // Control routes and unknown paths are never faulted; authentication still comes first.
    add_rule(server, R"({"status":500})");
    EXPECT_EQ(http_request(server.port(), "GET", "/_emulator/ready").status, 200U);
    EXPECT_EQ(http_request(server.port(), "GET", "/v9/nothing").status, 404U);
    EXPECT_EQ(http_request(server.port(), "GET", dis_base + "/streams").status, 401U);
    EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 500U);
}

TEST(emulator_faults, a_delay_holds_the_answer_back_at_least_that_long) {
    test_server server;
    load_example_fixture(server);
    add_rule(server, R"({"operation":"ShowStream","delay_ms":300,"count":1})");
    const auto start = std::chrono::steady_clock::now();
    const auto reply = server.request("GET", dis_base + "/streams/orders");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(reply.status, 200U);
    EXPECT_NE(reply.body.find(R"("stream_name":"orders")"), std::string::npos);
    EXPECT_GE(elapsed, std::chrono::milliseconds(300));
    // A delay with an error: the error, late.
    add_rule(server, R"({"operation":"ShowStream","delay_ms":100,"status":500,"count":1})");
    const auto start2 = std::chrono::steady_clock::now();
    EXPECT_EQ(server.request("GET", dis_base + "/streams/orders").status, 500U);
    EXPECT_GE(std::chrono::steady_clock::now() - start2, std::chrono::milliseconds(100));
}

TEST(emulator_faults, a_delay_longer_than_the_read_timeout_still_delivers_the_answer) {
    test_server server([](server::config& c) { c.read_timeout = std::chrono::milliseconds(300); });
    add_rule(server, R"({"operation":"ListStreams","delay_ms":600,"count":1})");
    const auto reply = server.request("GET", dis_base + "/streams");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.body,
              R"({"total_number":0,"stream_names":[],"has_more_streams":false,"stream_info_list":[]})");
}

TEST(emulator_faults, a_delayed_answer_does_not_hold_other_connections_up) {
    test_server server([](server::config& c) { c.threads = 1; });
    load_example_fixture(server);
    add_rule(server, R"({"operation":"ShowStream","delay_ms":2000,"count":1})");
    std::atomic<bool> slow_done{false};
    std::thread slow([&server, &slow_done] {
        EXPECT_EQ(server.request("GET", dis_base + "/streams/orders").status, 200U);
        slow_done = true;
    });
    // Wait until the delayed request has been handled (it is in the journal), then use the one worker.
    while (server.control().requests.size() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 200U);
    EXPECT_FALSE(slow_done);  // answered on the only worker while the delayed answer waits on its timer
    slow.join();
}

// Sends a raw request and reads until the server closes; returns everything it sent back.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(socket, net::buffer(request));
    std::string received;
    boost::system::error_code ec;
    net::read(socket, net::dynamic_buffer(received), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    return received;
}

TEST(emulator_faults, drop_closes_the_connection_without_an_answer_or_a_state_change) {
    test_server server;
    load_example_fixture(server);
    add_rule(server, R"({"operation":"DeleteCheckpoint","drop":true,"count":1})");
    const std::string request = "DELETE " + dis_base + "/checkpoints?" + checkpoint_query +
                                " HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n\r\n";
    EXPECT_EQ(raw_exchange(server.port(), request), "");
    // Not handled: the checkpoint is still there.
    const auto shown = server.request(
        "GET",
        dis_base +
            "/checkpoints?stream_name=orders&partition_id=0&app_name=billing&checkpoint_type=LAST_READ");
    EXPECT_EQ(shown.body, R"({"sequence_number":"2","metadata":"worker-1"})");
    const auto journal = http_request(server.port(), "GET", "/_emulator/requests?status=0").json();
    ASSERT_EQ(journal["requests"].Size(), 1U);
    EXPECT_EQ(str(journal["requests"][0], "operation"), "DeleteCheckpoint");
    EXPECT_EQ(journal["requests"][0]["fault_id"].GetUint64(), 1U);
    // The rule is used up: the same request now gets its answer.
    EXPECT_NE(raw_exchange(server.port(), request.substr(0, request.size() - 2) + "Connection: close\r\n\r\n")
                  .find("HTTP/1.1 204"),
              std::string::npos);
}

std::string fire_pattern(const std::string& rule, int requests) {
    test_server server;
    EXPECT_EQ(add_rule(server, rule).status, 201U);
    std::string pattern;
    for (int i = 0; i < requests; ++i) {
        pattern += server.request("GET", dis_base + "/streams").status == 500 ? 'X' : '.';
    }
    return pattern;
}

TEST(emulator_faults, the_same_seed_fires_the_same_way_in_two_servers) {
    const std::string rule = R"({"operation":"ListStreams","status":500,"probability":0.5,"seed":42})";
    const auto first = fire_pattern(rule, 48);
    const auto second = fire_pattern(rule, 48);
    EXPECT_EQ(first, second);
    EXPECT_NE(first.find('X'), std::string::npos);
    EXPECT_NE(first.find('.'), std::string::npos);
    EXPECT_NE(fire_pattern(R"({"operation":"ListStreams","status":500,"probability":0.5,"seed":43})", 48),
              first);
    // Without a seed the rule's id seeds it, so runs repeat too.
    const std::string unseeded = R"({"operation":"ListStreams","status":500,"probability":0.3})";
    EXPECT_EQ(fire_pattern(unseeded, 48), fire_pattern(unseeded, 48));
}

TEST(emulator_faults, count_counts_only_firings_and_hits_are_reported) {
    test_server server;
    add_rule(server, R"({"operation":"ListStreams","status":500,"probability":0.5,"seed":1,"count":3})");
    int failures = 0;
    int requests = 0;
    while (failures < 3 && requests < 200) {
        ++requests;
        if (server.request("GET", dis_base + "/streams").status == 500) {
            ++failures;
            const auto listed = http_request(server.port(), "GET", "/_emulator/faults").json();
            if (failures < 3) {
                ASSERT_EQ(listed["faults"].Size(), 1U);
                EXPECT_EQ(listed["faults"][0]["hits"].GetUint64(), static_cast<std::uint64_t>(failures));
                EXPECT_EQ(listed["faults"][0]["remaining"].GetUint64(),
                          static_cast<std::uint64_t>(3 - failures));
            } else {
                EXPECT_EQ(listed["faults"].Size(), 0U);
            }
        }
    }
    EXPECT_EQ(failures, 3);
    EXPECT_GT(requests, 3);  // some draws did not fire and did not use the count up
    for (int i = 0; i < 20; ++i) EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 200U);
}

TEST(emulator_faults, the_first_matching_rule_that_fires_wins) {
    test_server server;
    add_rule(server, R"({"operation":"ListStreams","status":503,"probability":0})");
    add_rule(server, R"({"operation":"ListStreams","status":502})");
    add_rule(server, R"({"operation":"ListStreams","status":501})");
    EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 502U);
    const auto listed = http_request(server.port(), "GET", "/_emulator/faults").json();
    EXPECT_EQ(listed["faults"][0]["hits"].GetUint64(), 0U);
    EXPECT_EQ(listed["faults"][1]["hits"].GetUint64(), 1U);
    EXPECT_EQ(listed["faults"][2]["hits"].GetUint64(), 0U);
}

TEST(emulator_faults, rules_are_bounded_in_count_and_bytes_under_load) {
    test_server server;
    // Rules that never match this traffic: every request walks all of them.
    for (std::size_t i = 0; i < routes::control::max_fault_rules; ++i) {
        const auto reply =
            add_rule(server, R"({"project_id":")" + other_project_id + R"(","status":500,"error_msg":")" +
                                 std::string(routes::control::max_fault_text, 'm') + R"("})");
        ASSERT_EQ(reply.status, 201U) << i << reply.body;
    }
    const auto refused = add_rule(server, R"({"status":500})");
    EXPECT_EQ(refused.status, 409U);
    EXPECT_EQ(str(refused.json(), "error_code"), "EMU.0409");
    auto& faults = server.control().faults;
    const auto bytes = faults.bytes();
    // Each rule holds at most its six text fields, their resolved answers, and its fixed part.
    const std::size_t per_rule_bound =
        sizeof(routes::control::fault_rule) + 12 * routes::control::max_fault_text + 4096;
    EXPECT_LE(bytes, routes::control::max_fault_rules * per_rule_bound);

    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&server] {
            for (int i = 0; i < 100; ++i)
                EXPECT_EQ(server.request("GET", dis_base + "/streams").status, 200U);
        });
    }
    for (auto& c : clients) c.join();
    EXPECT_EQ(faults.size(), routes::control::max_fault_rules);
    EXPECT_EQ(faults.bytes(), bytes);
    EXPECT_EQ(http_request(server.port(), "DELETE", "/_emulator/faults").status, 204U);
    EXPECT_EQ(faults.bytes(), 0U);
    EXPECT_EQ(add_rule(server, R"({"status":500})").status, 201U);
}

// The parser the fixture loader uses for a root "faults" array.
TEST(fault_rule_parser, parses_a_rule_from_a_json_value_and_names_the_bad_field) {
    rapidjson::Document doc;
    doc.Parse(
        R"({"operation":"DeleteCheckpoint","method":"delete","path":"/v2/{project_id}/checkpoints","project_id":"p",
                  "status":500,"error_code":"DIS.5000","error_msg":"boom","delay_ms":10,"probability":0.25,"seed":9,"count":4})");
    const auto rule = routes::control::parse_fault_rule(doc, {"DeleteCheckpoint"});
    EXPECT_EQ(*rule.operation, "DeleteCheckpoint");
    EXPECT_EQ(*rule.method, "DELETE");
    EXPECT_EQ(*rule.path, "/v2/{project_id}/checkpoints");
    EXPECT_EQ(*rule.status, 500U);
    EXPECT_EQ(*rule.delay_ms, 10U);
    EXPECT_DOUBLE_EQ(rule.probability, 0.25);
    EXPECT_EQ(*rule.seed, 9U);
    EXPECT_EQ(*rule.count, 4U);
    doc.Parse(R"({"status":500,"colour":"red"})");
    try {
        routes::control::parse_fault_rule(doc);
        ADD_FAILURE() << "accepted an unknown field";
    } catch (const routes::api_error& error) {
        EXPECT_EQ(error.status(), 400U);
        EXPECT_EQ(error.code(), "EMU.0400");
        EXPECT_NE(error.message().find("\"colour\""), std::string::npos) << error.message();
    }
}

TEST(fault_rule_parser, reads_kafka_apis_and_errors_by_name_or_number) {
    rapidjson::Document doc;
    doc.Parse(R"({"kafka_api":"Fetch","kafka_error":"NOT_LEADER_OR_FOLLOWER","count":3})");
    auto rule = routes::control::parse_fault_rule(doc);
    EXPECT_EQ(*rule.kafka_api, 1);
    EXPECT_EQ(*rule.kafka_error, 6);
    doc.Parse(R"({"kafka_api":0,"kafka_error":19,"delay_ms":20})");
    rule = routes::control::parse_fault_rule(doc);
    EXPECT_EQ(*rule.kafka_api, 0);
    EXPECT_EQ(*rule.kafka_error, 19);
    // A code newer than the emulator's names is still a code.
    doc.Parse(R"({"kafka_api":"ApiVersions","kafka_error":120})");
    EXPECT_EQ(*routes::control::parse_fault_rule(doc).kafka_error, 120);
    doc.Parse(R"({"kafka_api":"JoinGroup","delay_ms":5})");
    EXPECT_EQ(*routes::control::parse_fault_rule(doc).kafka_api, 11);
}

TEST(emulator_faults, refuses_kafka_rules_that_mix_in_http_or_name_nothing_known) {
    test_server server;
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"kafka_api":"Produce"})", "a rule needs an action"},
        {R"({"kafka_api":"Produced","kafka_error":6})", "kafka_api \"Produced\" is not a Kafka API name"},
        {R"({"kafka_api":4,"kafka_error":6})", "kafka_api 4 is not a Kafka API"},
        {R"({"kafka_api":true,"kafka_error":6})", "kafka_api must be a Kafka API name or number"},
        {R"({"kafka_api":"Produce","kafka_error":"NOT_A_LEADER"})", "is not a Kafka error code name"},
        {R"({"kafka_api":"Produce","kafka_error":-2})", "kafka_error -2 is not a Kafka error code"},
        {R"({"kafka_api":"Produce","kafka_error":40000})", "kafka_error 40000 is not a Kafka error code"},
        {R"({"kafka_api":"Produce","kafka_error":0})", "kafka_error 0 is NONE"},
        {R"({"kafka_error":6})", "kafka_error needs kafka_api"},
        {R"({"kafka_api":"Produce","status":500})", "a Kafka rule answers kafka_error"},
        {R"({"kafka_api":"Produce","operation":"ListStreams","delay_ms":1})",
         "kafka_api matches Kafka requests"},
        {R"({"kafka_api":"Produce","kafka_error":6,"drop":true})", "drop cannot be combined"},
    };
    for (const auto& [body, message] : cases) {
        const auto reply = add_rule(server, body);
        EXPECT_EQ(reply.status, 400U) << body;
        const auto doc = reply.json();
        EXPECT_EQ(str(doc, "error_code"), "EMU.0400") << body;
        EXPECT_NE(str(doc, "error_msg").find(message), std::string::npos) << body << " -> " << reply.body;
    }
    EXPECT_EQ(server.control().faults.size(), 0U);
}

// A Kafka rule fires only for its API key (and project), never for an HTTP request; an HTTP rule never for
// a Kafka request.
TEST(fault_rules, kafka_and_http_rules_match_only_their_own_requests) {
    routes::control::fault_rules rules;
    rapidjson::Document doc;
    doc.Parse(R"({"kafka_api":"Produce","kafka_error":7,"project_id":"p1","count":1})");
    rules.add(routes::control::parse_fault_rule(doc));
    doc.Parse(R"({"status":503})");
    rules.add(routes::control::parse_fault_rule(doc));
    EXPECT_FALSE(rules.match_kafka(1, "p1"));  // Fetch
    EXPECT_FALSE(rules.match_kafka(0, "p2"));  // another project
    const auto http = rules.match("ListStreams", "GET", {"v2", "p1", "streams"}, "p1", routes::service::dis);
    ASSERT_TRUE(http);
    EXPECT_EQ(http->id, 2U);
    EXPECT_FALSE(http->kafka_error);
    const auto kafka = rules.match_kafka(0, "p1");
    ASSERT_TRUE(kafka);
    EXPECT_EQ(kafka->id, 1U);
    EXPECT_EQ(*kafka->kafka_error, 7);
    EXPECT_FALSE(kafka->error);
    EXPECT_FALSE(rules.match_kafka(0, "p1"));  // count used up
    EXPECT_EQ(rules.fired("error"), 2U);
}

}  // namespace
}  // namespace emu::test
