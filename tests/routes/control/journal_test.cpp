// Route tests for the request journal (GET/DELETE /_emulator/requests): what an entry holds, redaction,
// truncation, every filter, the ring's bound, and its memory bound under load.
#include "routes/control/journal.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "routes/control/fixture.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

const std::string dis_base = "/v2/" + project_id;
const std::string delete_query = "app_name=billing&checkpoint_type=LAST_READ&stream_name=orders";

void load_example_fixture(test_server& server) {
    routes::control::load_fixture_file(std::string(EMU_SOURCE_DIR) + "/examples/fixture.json",
                                       server.state());
}

rapidjson::Document journal(const test_server& server, const std::string& query = {}) {
    const auto reply =
        http_request(server.port(), "GET", "/_emulator/requests" + (query.empty() ? "" : "?" + query));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json;charset=UTF-8");
    auto document = reply.json();
    EXPECT_TRUE(document.IsObject() && document.HasMember("requests") && document["requests"].IsArray())
        << reply.body;
    return document;
}

std::string str(const rapidjson::Value& v, const char* key) {
    if (!v.HasMember(key) || !v[key].IsString()) return "<not a string>";
    return v[key].GetString();
}

TEST(emulator_journal, finds_a_delete_checkpoint_call_with_its_query_and_answer) {
    test_server server;
    load_example_fixture(server);
    ASSERT_EQ(server.request("GET", dis_base + "/streams").status, 200U);
    const auto deleted = server.request("DELETE", dis_base + "/checkpoints?" + delete_query);
    ASSERT_EQ(deleted.status, 204U) << deleted.body;
    server.clock().now_ms += 5;

    const auto doc = journal(server, "operation=DeleteCheckpoint");
    const auto& requests = doc["requests"];
    ASSERT_EQ(requests.Size(), 1U);
    const auto& e = requests[0];
    EXPECT_EQ(str(e, "operation"), "DeleteCheckpoint");
    EXPECT_EQ(str(e, "method"), "DELETE");
    EXPECT_EQ(str(e, "path"), dis_base + "/checkpoints");
    EXPECT_EQ(str(e, "query"), delete_query);
    EXPECT_EQ(str(e, "project_id"), project_id);
    EXPECT_EQ(str(e, "request_id"), deleted.header("x-request-id"));
    ASSERT_TRUE(e["status"].IsUint());
    EXPECT_EQ(e["status"].GetUint(), 204U);
    EXPECT_EQ(str(e, "response_body"), "");
    EXPECT_FALSE(e["response_body_truncated"].GetBool());
    ASSERT_TRUE(e["time"].IsInt64());
    EXPECT_EQ(e["time"].GetInt64(), 1'700'000'000'000);  // the server's manual clock
    EXPECT_TRUE(e["duration_us"].IsUint64());
    EXPECT_TRUE(e["fault_id"].IsNull());
    EXPECT_TRUE(e["seq"].IsUint64());
    EXPECT_EQ(str(e["headers"], "X-Auth-Token"), "[REDACTED]");
    EXPECT_EQ(str(e["headers"], "Content-Type"), "application/json");
}

TEST(emulator_journal, redacts_credentials_in_headers_and_query) {
    test_server server;
    const std::string signature =
        "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=" + std::string(64, 'a');
    const auto reply = http_request(server.port(), "GET",
                                    dis_base + "/streams?limit=5&access_token=abc%20def&X-Signature=s1", {},
                                    {{"Authorization", signature},
                                     {"X-Sdk-Date", "20231114T221320Z"},
                                     {"X-Security-Token", "temporary-secret"},
                                     {"X-Client-Secret", "hush"},
                                     {"Cookie", "session=1"},
                                     {"User-Agent", "journal-test"}});
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto doc = journal(server);
    ASSERT_EQ(doc["requests"].Size(), 1U);
    const auto& e = doc["requests"][0];
    EXPECT_EQ(str(e, "query"), "limit=5&access_token=[REDACTED]&X-Signature=[REDACTED]");
    const auto& h = e["headers"];
    EXPECT_EQ(str(h, "Authorization"), "[REDACTED]");
    EXPECT_EQ(str(h, "X-Security-Token"), "[REDACTED]");
    EXPECT_EQ(str(h, "X-Client-Secret"), "[REDACTED]");
    EXPECT_EQ(str(h, "Cookie"), "[REDACTED]");
    EXPECT_EQ(str(h, "X-Sdk-Date"), "20231114T221320Z");
    EXPECT_EQ(str(h, "User-Agent"), "journal-test");
    // Nothing secret anywhere in the answer.
    const auto raw = http_request(server.port(), "GET", "/_emulator/requests").body;
    for (const auto* secret : {"temporary-secret", "hush", "abc%20def", "=s1", "aaaaaaaa", "session=1"}) {
        EXPECT_EQ(raw.find(secret), std::string::npos) << secret;
    }
}

TEST(emulator_journal, every_filter_narrows_and_the_newest_come_last) {
    test_server server;
    load_example_fixture(server);
    server.request("GET", dis_base + "/streams");  // t0
    server.clock().now_ms += 1000;
    server.request("GET", dis_base + "/streams/orders");                 // t0+1000
    server.request("GET", "/v2/" + other_project_id + "/streams/nope");  // 400, other project
    server.clock().now_ms += 1000;
    server.request("DELETE", dis_base + "/checkpoints?" + delete_query);  // t0+2000, 204
    http_request(server.port(), "GET", "/v9/unknown/path");               // no route: operation null
    http_request(server.port(), "GET", "/_emulator/ready");               // control routes are not recorded

    auto doc = journal(server);
    auto& all = doc["requests"];
    ASSERT_EQ(all.Size(), 5U);
    for (rapidjson::SizeType i = 1; i < all.Size(); ++i)
        EXPECT_LT(all[i - 1]["seq"].GetUint64(), all[i]["seq"].GetUint64());
    EXPECT_EQ(str(all[0], "operation"), "ListStreams");
    EXPECT_TRUE(all[4]["operation"].IsNull());
    EXPECT_EQ(all[4]["status"].GetUint(), 404U);

    const auto count = [&](const std::string& query) { return journal(server, query)["requests"].Size(); };
    EXPECT_EQ(count("operation=ShowStream"), 2U);
    EXPECT_EQ(count("method=delete"), 1U);
    EXPECT_EQ(count("method=GET"), 4U);
    EXPECT_EQ(count("path_prefix=" + dis_base + "/streams"), 2U);
    EXPECT_EQ(count("path_prefix=/v9/"), 1U);
    EXPECT_EQ(count("status=400"), 1U);
    EXPECT_EQ(count("status=200"), 2U);
    EXPECT_EQ(count("project_id=" + other_project_id), 1U);
    EXPECT_EQ(count("project_id=" + project_id), 3U);
    EXPECT_EQ(count("since=1700000001000"), 4U);
    EXPECT_EQ(count("since=1700000002000"), 2U);
    EXPECT_EQ(count("operation=ShowStream&status=200"), 1U);

    auto limited = journal(server, "limit=2");
    ASSERT_EQ(limited["requests"].Size(), 2U);
    EXPECT_EQ(str(limited["requests"][0], "operation"), "DeleteCheckpoint");
    EXPECT_TRUE(limited["requests"][1]["operation"].IsNull());
}

TEST(emulator_journal, refuses_unknown_and_malformed_filters) {
    test_server server;
    for (const auto* query : {"operations=X", "status=abc", "status=99", "status=600", "since=-1",
                              "since=soon", "limit=0", "limit=x", "operation="}) {
        const auto reply = http_request(server.port(), "GET", std::string("/_emulator/requests?") + query);
        EXPECT_EQ(reply.status, 400U) << query;
        const auto doc = reply.json();
        EXPECT_EQ(str(doc, "error_code"), "EMU.0400") << query;
        EXPECT_EQ(str(doc, "request_id"), reply.header("x-request-id"));
    }
    const auto typo = http_request(server.port(), "GET", "/_emulator/requests?operations=X");
    EXPECT_NE(typo.body.find("operations"), std::string::npos) << typo.body;
}

TEST(emulator_journal, delete_clears_it) {
    test_server server;
    server.request("GET", dis_base + "/streams");
    ASSERT_EQ(journal(server)["requests"].Size(), 1U);
    const auto cleared = http_request(server.port(), "DELETE", "/_emulator/requests");
    EXPECT_EQ(cleared.status, 204U);
    EXPECT_EQ(cleared.body, "");
    EXPECT_EQ(journal(server)["requests"].Size(), 0U);
    EXPECT_EQ(server.control().requests.bytes(), 0U);
    server.request("GET", dis_base + "/streams");
    EXPECT_EQ(journal(server)["requests"].Size(), 1U);
}

TEST(emulator_journal, bodies_are_cut_at_the_body_limit) {
    test_server server([](server::config& c) { c.journal_body_limit = 16; });
    const std::string body = R"({"stream_name":"a-stream-with-a-long-name","partition_count":1})";
    ASSERT_EQ(server.request("POST", dis_base + "/streams", body).status, 201U);
    ASSERT_EQ(server.request("GET", dis_base + "/streams/a-stream-with-a-long-name").status, 200U);
    const auto doc = journal(server);
    ASSERT_EQ(doc["requests"].Size(), 2U);
    const auto& create = doc["requests"][0];
    EXPECT_EQ(str(create, "request_body"), body.substr(0, 16));
    EXPECT_TRUE(create["request_body_truncated"].GetBool());
    EXPECT_FALSE(create["response_body_truncated"].GetBool());
    const auto& show = doc["requests"][1];
    EXPECT_EQ(str(show, "response_body").size(), 16U);
    EXPECT_TRUE(show["response_body_truncated"].GetBool());
    EXPECT_EQ(str(show, "request_body"), "");
}

TEST(emulator_journal, a_cut_never_splits_a_character_and_bad_bytes_stay_valid_json) {
    test_server server([](server::config& c) { c.journal_body_limit = 4; });
    // "aé€" is 1 + 2 + 3 bytes; 4 bytes would cut the euro sign in its middle.
    server.request("POST", dis_base + "/streams", "a\xC3\xA9\xE2\x82\xAC");
    server.request("POST", dis_base + "/streams", "\xFF\xFE");
    const auto doc = journal(server);
    ASSERT_EQ(doc["requests"].Size(), 2U);
    EXPECT_EQ(str(doc["requests"][0], "request_body"), "a\xC3\xA9");
    EXPECT_EQ(str(doc["requests"][1], "request_body"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(emulator_journal, the_ring_keeps_only_the_newest_journal_size_entries) {
    test_server server([](server::config& c) { c.journal_size = 5; });
    for (int i = 0; i < 12; ++i) server.request("GET", dis_base + "/streams/s" + std::to_string(i));
    const auto doc = journal(server);
    const auto& requests = doc["requests"];
    ASSERT_EQ(requests.Size(), 5U);
    for (rapidjson::SizeType i = 0; i < 5; ++i) {
        EXPECT_EQ(str(requests[i], "path"), dis_base + "/streams/s" + std::to_string(7 + i));
        EXPECT_EQ(requests[i]["seq"].GetUint64(), 8 + i);
    }
    EXPECT_EQ(server.control().requests.size(), 5U);
}

TEST(emulator_journal, size_zero_disables_it) {
    test_server server([](server::config& c) { c.journal_size = 0; });
    server.request("GET", dis_base + "/streams");
    EXPECT_EQ(journal(server)["requests"].Size(), 0U);
    EXPECT_EQ(server.control().requests.bytes(), 0U);
    EXPECT_EQ(http_request(server.port(), "DELETE", "/_emulator/requests").status, 204U);
}

TEST(emulator_journal, memory_stays_bounded_under_load_over_http) {
    test_server server([](server::config& c) {
        c.journal_size = 20;
        c.journal_body_limit = 64;
    });
    const auto& j = server.control().requests;
    const std::string big(20000, 'x');
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&server, &big, t] {
            for (int i = 0; i < 100; ++i) {
                server.request("POST", dis_base + "/records?c=" + std::to_string(t), big,
                               {{"X-Padding", std::string(2000, 'p')}});
            }
        });
    }
    for (auto& c : clients) c.join();
    EXPECT_EQ(j.size(), 20U);
    EXPECT_EQ(j.recorded_total(), 400U);
    EXPECT_LE(j.bytes(), 20U * j.max_entry_bytes());
    // Each entry holds at most its two cut bodies and its capped path, query and headers.
    for (const auto& entry : j.query({})) {
        EXPECT_LE(entry->request_body.size(), 64U);
        EXPECT_LE(entry->response_body.size(), 64U);
        EXPECT_TRUE(entry->request_body_truncated);
    }
}

// The ring alone, far beyond what a route test can send: the byte count is exact and stays under the bound.
TEST(journal_unit, bytes_are_accounted_exactly_and_bounded_under_concurrent_recording) {
    routes::control::journal j;
    j.configure(100, 128);
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&j, t] {
            routes::request_context ctx;
            ctx.method = "POST";
            for (int i = 0; i < 25'000; ++i) {
                ctx.request_id = std::to_string(t) + "-" + std::to_string(i);
                routes::parse_target(ctx, "/v2/p/records?i=" + std::to_string(i));
                ctx.headers = {{"X-Auth-Token", "secret"},
                               {"X-Pad", std::string(static_cast<std::size_t>(i % 5000), 'h')}};
                ctx.body.assign(static_cast<std::size_t>((i * 37) % 3000), 'b');
                routes::response answer =
                    routes::response::json(200, std::string(static_cast<std::size_t>(i % 700), 'r'));
                j.record(ctx, "SendRecords", answer, 10);
            }
        });
    }
    for (auto& w : writers) w.join();
    EXPECT_EQ(j.size(), 100U);
    EXPECT_EQ(j.recorded_total(), 100'000U);
    std::size_t counted = 0;
    for (const auto& entry : j.query({})) counted += entry->bytes();
    EXPECT_EQ(j.bytes(), counted);
    EXPECT_LE(j.bytes(), 100U * j.max_entry_bytes());
    j.clear();
    EXPECT_EQ(j.bytes(), 0U);
    EXPECT_EQ(j.size(), 0U);
}

TEST(journal_unit, secret_looking_names) {
    for (const auto* name : {"Authorization", "X-Auth-Token", "x-security-token", "X-Api-Key",
                             "client_secret", "Password", "Set-Cookie", "X-Amz-Signature", "X-Credential",
                             "sk", "SK", "passwd", "private_key", "X-Session-Id", "AUTHORIZATION"}) {
        EXPECT_TRUE(routes::is_secret_name(name)) << name;
    }
    for (const auto* name : {"Host", "Content-Type", "X-Sdk-Date", "User-Agent", "X-Project-Id",
                             "stream_name", "app_name", "checkpoint_type", "partition_id", "skip", "a", ""}) {
        EXPECT_FALSE(routes::is_secret_name(name)) << name;
    }
}

}  // namespace
}  // namespace emu::test
