// Route tests for GET /_emulator/metrics (Prometheus text format) and GET /_emulator/openapi.json.
#include "routes/control/metrics.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "routes/control/fixture.hpp"
#include "routes/control/observe.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string dis_base = "/v2/" + project_id;

std::string metrics_text(const test_server& server) {
    const auto reply = http_request(server.port(), "GET", "/_emulator/metrics");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return reply.body;
}

// The value of the sample line `series` (name and labels exactly), or -1.
double sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

TEST(emulator_metrics, counts_requests_by_operation_and_status) {
    test_server server;
    for (int i = 0; i < 3; ++i) server.request("GET", dis_base + "/streams");
    server.request("GET", dis_base + "/streams/nope");
    server.request("GET", dis_base + "/streams/nope");
    http_request(server.port(), "GET", dis_base + "/streams");  // no credentials
    http_request(server.port(), "GET", "/v9/unknown");
    http_request(server.port(), "GET", "/_emulator/ready");  // control routes are not counted
    const auto text = metrics_text(server);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="ListStreams",status="200"})"), 3);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="ListStreams",status="401"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="ShowStream",status="400"})"), 2);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="unknown",status="404"})"), 1);
    EXPECT_EQ(text.find("EmulatorReady"), std::string::npos);
    EXPECT_NE(text.find("# TYPE stream_emulator_requests_total counter\n"), std::string::npos);
    EXPECT_EQ(sample(text, "stream_emulator_journal_entries"), 7);
    EXPECT_EQ(sample(text, "stream_emulator_journal_capacity"), 1000);
    EXPECT_EQ(sample(text, "stream_emulator_journal_bytes"),
              static_cast<double>(server.control().requests.bytes()));
    EXPECT_EQ(sample(text, "stream_emulator_fault_rules"), 0);
    EXPECT_GE(sample(text, "stream_emulator_uptime_seconds"), 0);
}

TEST(emulator_metrics, the_latency_histogram_is_cumulative_and_ends_at_the_count) {
    test_server server;
    for (int i = 0; i < 5; ++i) server.request("GET", dis_base + "/streams");
    const auto text = metrics_text(server);
    EXPECT_NE(text.find("# TYPE stream_emulator_request_duration_seconds histogram\n"), std::string::npos);
    const std::regex bucket(
        R"re(stream_emulator_request_duration_seconds_bucket\{operation="ListStreams",le="([^"]+)"\} (\d+))re");
    double previous = 0;
    int buckets = 0;
    std::string last_le;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), bucket); it != std::sregex_iterator();
         ++it) {
        const double value = std::stod((*it)[2].str());
        EXPECT_GE(value, previous);
        previous = value;
        last_le = (*it)[1].str();
        ++buckets;
    }
    EXPECT_EQ(buckets, 15);
    EXPECT_EQ(last_le, "+Inf");
    EXPECT_EQ(previous, 5);
    EXPECT_EQ(sample(text, R"(stream_emulator_request_duration_seconds_count{operation="ListStreams"})"), 5);
    EXPECT_GT(sample(text, R"(stream_emulator_request_duration_seconds_sum{operation="ListStreams"})"), 0);
}

TEST(emulator_metrics, counts_faults_fired_by_action) {
    test_server server;
    http_request(server.port(), "POST", "/_emulator/faults",
                 R"({"operation":"ListStreams","status":500,"count":2})");
    http_request(server.port(), "POST", "/_emulator/faults",
                 R"({"operation":"ShowStream","delay_ms":1,"status":503,"count":1})");
    for (int i = 0; i < 3; ++i) server.request("GET", dis_base + "/streams");
    server.request("GET", dis_base + "/streams/x");
    const auto text = metrics_text(server);
    EXPECT_EQ(sample(text, R"(stream_emulator_faults_fired_total{action="error"})"), 3);
    EXPECT_EQ(sample(text, R"(stream_emulator_faults_fired_total{action="delay"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_faults_fired_total{action="drop"})"), 0);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="ListStreams",status="500"})"), 2);
    EXPECT_EQ(sample(text, R"(stream_emulator_requests_total{operation="ShowStream",status="503"})"), 1);
    EXPECT_EQ(sample(text, "stream_emulator_fault_rules"), 0);
}

TEST(emulator_metrics, state_sizes_are_gauges_with_the_health_answers_counts) {
    test_server server;
    routes::control::load_fixture_file(std::string(EMU_SOURCE_DIR) + "/examples/fixture.json",
                                       server.state());
    const auto text = metrics_text(server);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="projects"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="instances"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="topics"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="streams"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="apps"})"), 1);
    const auto health = http_request(server.port(), "GET", "/_emulator/health").json();
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="messages"})"),
              health["counts"]["messages"].GetDouble());
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="records"})"),
              health["counts"]["records"].GetDouble());
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="checkpoints"})"),
              health["counts"]["checkpoints"].GetDouble());
}

TEST(emulator_metrics, state_gauges_come_from_the_plugged_source) {
    test_server server;
    server.control().metrics.set_state_gauges([](state::state&) {
        return std::vector<routes::control::state_gauge>{{"topics", 3}, {"odd\"kind", 1}};
    });
    const auto text = metrics_text(server);
    EXPECT_NE(text.find("# TYPE stream_emulator_state_objects gauge\n"), std::string::npos);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="topics"})"), 3);
    EXPECT_EQ(sample(text, R"(stream_emulator_state_objects{kind="odd\"kind"})"), 1);
}

TEST(kafka_metrics, counts_requests_and_error_fields_per_api_and_connections) {
    routes::control::kafka_metrics kafka;
    const std::vector<std::int16_t> two_failed{19, 19};
    const std::vector<std::int16_t> none;
    const std::vector<std::int16_t> unnamed{-1, 150};
    kafka.observe(0, two_failed);
    kafka.observe(0, none);
    kafka.observe(1, unnamed);
    kafka.observe(400, none);  // beyond the slots: "other"
    kafka.connection_opened();
    kafka.connection_opened();
    kafka.connection_closed();
    std::string text;
    kafka.render(text);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_requests_total{api="Produce"})"), 2);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_requests_total{api="Fetch"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_requests_total{api="other"})"), 1);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_requests_total{api="Metadata"})"), -1);  // none: no line
    EXPECT_EQ(
        sample(text, R"(stream_emulator_kafka_errors_total{api="Produce",error="NOT_ENOUGH_REPLICAS"})"), 2);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_errors_total{api="Fetch",error="UNKNOWN_SERVER_ERROR"})"),
              1);
    EXPECT_EQ(sample(text, R"(stream_emulator_kafka_errors_total{api="Fetch",error="150"})"), 1);
    EXPECT_EQ(sample(text, "stream_emulator_kafka_connections"), 1);
    EXPECT_EQ(sample(text, "stream_emulator_kafka_connections_total"), 2);
    EXPECT_NE(text.find("# TYPE stream_emulator_kafka_errors_total counter\n"), std::string::npos);
}

TEST(emulator_metrics, refuses_query_parameters) {
    test_server server;
    const auto reply = http_request(server.port(), "GET", "/_emulator/metrics?format=json");
    EXPECT_EQ(reply.status, 400U);
    EXPECT_NE(reply.body.find("EMU.0400"), std::string::npos);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(emulator_openapi, serves_the_document_of_docs_byte_for_byte) {
    test_server server;
    const auto reply = http_request(server.port(), "GET", "/_emulator/openapi.json");
    EXPECT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.header("content-type"), "application/json;charset=UTF-8");
    EXPECT_EQ(reply.body, read_file(std::string(EMU_SOURCE_DIR) + "/docs/control-plane.openapi.json"));
    const auto doc = reply.json();
    ASSERT_TRUE(doc.IsObject());
    EXPECT_STREQ(doc["openapi"].GetString(), "3.0.3");
}

// The document and the route table describe the same control plane: every /_emulator/ route registered is
// documented, and every documented operation is registered, under the same operation name.
TEST(emulator_openapi, documents_exactly_the_registered_control_routes) {
    rapidjson::Document doc;
    const auto text = routes::control::openapi_document();
    doc.Parse(text.data(), text.size());
    ASSERT_FALSE(doc.HasParseError());
    std::set<std::tuple<std::string, std::string, std::string>> documented;
    for (auto path = doc["paths"].MemberBegin(); path != doc["paths"].MemberEnd(); ++path) {
        for (auto op = path->value.MemberBegin(); op != path->value.MemberEnd(); ++op) {
            std::string method = op->name.GetString();
            for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            documented.emplace(method, path->name.GetString(), op->value["operationId"].GetString());
        }
    }
    std::set<std::tuple<std::string, std::string, std::string>> registered;
    const auto router = routes::make_pipeline();
    for (const auto& r : router.routes()) {
        if (r.path_template.starts_with("/_emulator/"))
            registered.emplace(r.method, r.path_template, r.operation);
    }
    for (const auto& [method, path, operation] : documented) {
        EXPECT_TRUE(registered.contains({method, path, operation}))
            << "documented, not registered: " << method << " " << path << " " << operation;
    }
    for (const auto& [method, path, operation] : registered) {
        EXPECT_TRUE(documented.contains({method, path, operation}))
            << "registered, not documented: " << method << " " << path << " " << operation;
    }
}

}  // namespace
}  // namespace emu::test
