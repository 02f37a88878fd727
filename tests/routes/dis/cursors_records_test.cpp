// Route tests for DIS get cursor and consume records (reference dis-api.md §5.2, §5.3): every cursor type,
// the cursor's lifetime on the store's clock, paging, byte budgets, empty polls, retention, and every
// documented error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routes/dis/records.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;
constexpr std::int64_t five_minutes = 5 * 60 * 1000;

class dis_records_fixture : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":2})")
                      .status,
                  201U);
        // Partition 0: sequence 0-2 at start_ms ("a", "bb", "ccc"), 3 at start_ms + 100 with key "k".
        ASSERT_EQ(send(R"({"data":"YQ==","partition_id":"0"},{"data":"YmI=","partition_id":"0"},)"
                       R"({"data":"Y2Nj","partition_id":"0"})")
                      .status,
                  200U);
        server.clock().now_ms += 100;
        ASSERT_EQ(send(R"({"data":"ZGRkZA==","partition_id":"0","partition_key":"k"})").status, 200U);
    }

    http_reply send(const std::string& records) {
        return server.request("POST", path("/records"),
                              R"({"stream_name":"orders","records":[)" + records + "]}");
    }

    http_reply get_cursor(const std::string& query) {
        return server.request("GET", path("/cursors?" + query));
    }

    std::string cursor(const std::string& query) {
        const auto reply = get_cursor(query);
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        const auto body = reply.json();
        EXPECT_TRUE(has_members(body, {"partition_cursor"}));
        return body["partition_cursor"].GetString();
    }

    http_reply consume(const std::string& cursor, const std::string& extra = "") {
        return server.request("GET", path("/records?partition-cursor=" + cursor + extra));
    }

    // Sequence numbers a cursor reads in one call.
    std::vector<std::string> read(const std::string& cursor, const std::string& extra = "") {
        const auto reply = consume(cursor, extra);
        EXPECT_TRUE(is_json_answer(reply)) << reply.body;
        std::vector<std::string> out;
        const auto body = reply.json();
        for (const auto& r : body["records"].GetArray()) out.emplace_back(r["sequence_number"].GetString());
        return out;
    }

    std::string next_of(const http_reply& reply) { return reply.json()["next_partition_cursor"].GetString(); }

    test_server server;
};

using strings = std::vector<std::string>;

// --- GET /v2/{project_id}/cursors -------------------------------------------------------------------------

class dis_show_cursor : public dis_records_fixture {};

TEST_F(dis_show_cursor, answers_an_opaque_url_safe_cursor) {
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    EXPECT_FALSE(c.empty());
    EXPECT_LE(c.size(), 512U);
    EXPECT_EQ(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << c;
    const auto decoded = routes::dis::decode_cursor(c);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->stream_name, "orders");
    EXPECT_EQ(decoded->partition, 0);
    EXPECT_EQ(decoded->position, 0);
    EXPECT_EQ(decoded->generated_at, start_ms + 100);
}

TEST_F(dis_show_cursor, each_cursor_type_starts_where_the_reference_says) {
    EXPECT_EQ(read(cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON")),
              (strings{"0", "1", "2", "3"}));
    EXPECT_EQ(
        read(cursor(
            "stream-name=orders&partition-id=0&cursor-type=AT_SEQUENCE_NUMBER&starting-sequence-number=2")),
        (strings{"2", "3"}));
    EXPECT_EQ(read(cursor("stream-name=orders&partition-id=0&starting-sequence-number=2")),
              (strings{"2", "3"}));
    EXPECT_EQ(read(cursor("stream-name=orders&partition-id=0&cursor-type=AFTER_SEQUENCE_NUMBER&starting-"
                          "sequence-number=2")),
              (strings{"3"}));
    EXPECT_EQ(read(cursor("stream-name=orders&partition-id=0&cursor-type=AT_TIMESTAMP&timestamp=" +
                          std::to_string(start_ms + 1))),
              (strings{"3"}));
    EXPECT_EQ(read(cursor(
                  "stream-name=orders&partition-id=shardId-0000000000&cursor-type=AT_TIMESTAMP&timestamp=0")),
              (strings{"0", "1", "2", "3"}));
    const auto latest = cursor("stream-name=orders&partition-id=0&cursor-type=LATEST");
    EXPECT_TRUE(read(latest).empty());
    ASSERT_EQ(send(R"({"data":"ZQ==","partition_id":"0"})").status, 200U);
    EXPECT_EQ(read(latest), (strings{"4"}));
    // The head itself is a valid start: a consumer can wait there.
    EXPECT_TRUE(read(cursor("stream-name=orders&partition-id=0&starting-sequence-number=5")).empty());
}

TEST_F(dis_show_cursor, syntax_errors_in_the_documented_codes) {
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"partition-id=0&cursor-type=LATEST", "DIS.4200", "Invalid request. [stream-name: is required]"},
        {"stream-name=bad%20name&partition-id=0", "DIS.4200",
         "Invalid request. [stream-name: must be 1 to 64 letters, digits, _ or -]"},
        {"stream-name=orders&cursor-type=LATEST", "DIS.4200", "Invalid request. [partition-id: is required]"},
        {"stream-name=orders&partition-id=shard-1&cursor-type=LATEST", "DIS.4201",
         "Invalid partition_id. [shard-1]"},
        {"stream-name=orders&partition-id=0&cursor-type=FIRST", "DIS.4215", "Invalid cursor type. [FIRST]"},
        {"stream-name=orders&partition-id=0&cursor-type=latest", "DIS.4215", "Invalid cursor type. [latest]"},
        {"stream-name=orders&partition-id=0&cursor-type=AT_SEQUENCE_NUMBER", "DIS.4216",
         "Invalid sequence_number. [starting-sequence-number is required]"},
        {"stream-name=orders&partition-id=0&cursor-type=AFTER_SEQUENCE_NUMBER&starting-sequence-number=x1",
         "DIS.4216", "Invalid sequence_number. [x1]"},
        {"stream-name=orders&partition-id=0&cursor-type=AT_TIMESTAMP", "DIS.4200",
         "Invalid request. [timestamp: is required with AT_TIMESTAMP]"},
        {"stream-name=orders&partition-id=0&cursor-type=AT_TIMESTAMP&timestamp=yesterday", "DIS.4200",
         "Invalid request. [timestamp: must be milliseconds since the epoch]"},
    };
    for (const auto& [query, code, message] : cases) {
        SCOPED_TRACE(query);
        EXPECT_TRUE(is_dis_error(get_cursor(query), code, message));
    }
}

TEST_F(dis_show_cursor, unknown_stream_or_partition_and_out_of_range_numbers) {
    EXPECT_TRUE(is_dis_error(get_cursor("stream-name=nope&partition-id=0&cursor-type=LATEST"), "DIS.4301",
                             "The stream does not exist. [nope][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(get_cursor("stream-name=orders&partition-id=2&cursor-type=LATEST"), "DIS.4302",
                             "Partition does not exist. [shardId-0000000002]"));
    EXPECT_TRUE(is_dis_error(get_cursor("stream-name=orders&partition-id=0&starting-sequence-number=5280"),
                             "DIS.4224",
                             "Sequence_number out of range. [5280][ should be within ][0][ ][4]"));
    EXPECT_TRUE(is_dis_error(get_cursor("stream-name=orders&partition-id=1&cursor-type=AFTER_SEQUENCE_NUMBER&"
                                        "starting-sequence-number=-1"),
                             "DIS.4224", "Sequence_number out of range. [-1][ should be within ][0][ ][0]"));
}

TEST_F(dis_show_cursor, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    const std::string query = "/cursors?stream-name=orders&partition-id=0&cursor-type=LATEST";
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path(query, "bad")), "DIS.4117", "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path(query), {}, {{"X-Project-Id", other_project_id}}),
                             "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path(query, other_project_id)), "DIS.4301",
                             "The stream does not exist. [orders][" + other_project_id + "]"));
}

// --- GET /v2/{project_id}/records -------------------------------------------------------------------------

class dis_consume_records : public dis_records_fixture {};

TEST_F(dis_consume_records, every_field_with_its_type) {
    const auto reply = consume(cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON"));
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    EXPECT_TRUE(has_members(body, {"records", "next_partition_cursor"}));
    ASSERT_EQ(body["records"].Size(), 4U);
    const auto& first = body["records"][0];
    EXPECT_TRUE(has_members(first, {"sequence_number", "data", "timestamp", "timestamp_type"}));
    EXPECT_TRUE(has_string(first, "sequence_number", "0"));
    EXPECT_TRUE(has_string(first, "data", "YQ=="));
    EXPECT_TRUE(has_int(first, "timestamp", start_ms));
    EXPECT_TRUE(has_string(first, "timestamp_type", "CreateTime"));
    const auto& keyed = body["records"][3];
    EXPECT_TRUE(
        has_members(keyed, {"partition_key", "sequence_number", "data", "timestamp", "timestamp_type"}));
    EXPECT_TRUE(has_string(keyed, "partition_key", "k"));
    EXPECT_TRUE(has_int(keyed, "timestamp", start_ms + 100));
    EXPECT_TRUE(body["next_partition_cursor"].IsString());
}

TEST_F(dis_consume_records, next_partition_cursor_continues_and_empty_polls_stay_put) {
    auto reply = consume(cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON"), "&limit=3");
    EXPECT_EQ(reply.json()["records"].Size(), 3U);
    auto next = next_of(reply);
    EXPECT_EQ(read(next), (strings{"3"}));
    reply = consume(next);
    next = next_of(reply);
    reply = consume(next);
    ASSERT_TRUE(is_json_answer(reply));
    EXPECT_EQ(reply.body.find(R"({"records":[],"next_partition_cursor":")"), 0U) << reply.body;
    const auto still = next_of(reply);
    EXPECT_EQ(routes::dis::decode_cursor(still)->position, 4);
    ASSERT_EQ(send(R"({"data":"ZQ==","partition_id":"0"})").status, 200U);
    EXPECT_EQ(read(still), (strings{"4"}));
}

TEST_F(dis_consume_records, max_fetch_bytes_counts_decoded_bytes_and_never_splits_a_record) {
    const auto start = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    EXPECT_EQ(read(start, "&max_fetch_bytes=3"), (strings{"0", "1"}));
    EXPECT_EQ(read(start, "&max_fetch_bytes=5"), (strings{"0", "1"}));
    EXPECT_EQ(read(start, "&max_fetch_bytes=6"), (strings{"0", "1", "2"}));
    const auto at_big = cursor("stream-name=orders&partition-id=0&starting-sequence-number=3");
    const auto reply = consume(at_big, "&max_fetch_bytes=3");
    EXPECT_EQ(reply.json()["records"].Size(), 0U);
    EXPECT_EQ(routes::dis::decode_cursor(next_of(reply))->position, 3);
}

TEST_F(dis_consume_records, at_most_1000_records_per_call) {
    std::string records;
    for (int i = 0; i < 1001; ++i)
        records += std::string(i == 0 ? "" : ",") + R"({"data":"eA==","partition_id":"1"})";
    ASSERT_EQ(send(records).status, 200U);
    const auto start = cursor("stream-name=orders&partition-id=1&cursor-type=TRIM_HORIZON");
    EXPECT_EQ(consume(start).json()["records"].Size(), 1000U);
    EXPECT_EQ(consume(start, "&limit=5000").json()["records"].Size(), 1000U);
    EXPECT_EQ(consume(start, "&limit=7").json()["records"].Size(), 7U);
}

TEST_F(dis_consume_records, cursor_lives_five_minutes_on_the_store_clock) {
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    server.clock().now_ms += five_minutes - 1;
    const auto reply = consume(c);
    ASSERT_TRUE(is_json_answer(reply));
    const auto fresh = next_of(reply);
    server.clock().now_ms += 1;
    EXPECT_TRUE(is_dis_error(consume(c), "DIS.4225", "Expired partition cursor. [" + c + "]"));
    EXPECT_TRUE(is_json_answer(consume(fresh)));
}

TEST_F(dis_consume_records, malformed_cursors_are_dis_4217) {
    const auto valid = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    const std::vector<std::string> bad{"x",
                                       "not+base64",
                                       valid.substr(0, valid.size() - 3),
                                       "e30",
                                       "eyJzdHJlYW1fbmFtZSI6MX0",
                                       std::string(600, 'A')};
    for (const auto& text : bad) {
        SCOPED_TRACE(text);
        EXPECT_TRUE(is_dis_error(consume(text), "DIS.4217", "Invalid partition cursor. [" + text + "]"));
    }
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/records")), "DIS.4200",
                             "Invalid request. [partition-cursor: is required]"));
}

TEST_F(dis_consume_records, bad_limit_or_max_fetch_bytes_is_dis_4200) {
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    EXPECT_TRUE(is_dis_error(consume(c, "&limit=0"), "DIS.4200",
                             "Invalid request. [limit: must be an integer from 1 to 9223372036854775807]"));
    EXPECT_TRUE(
        is_dis_error(consume(c, "&max_fetch_bytes=lots"), "DIS.4200",
                     "Invalid request. [max_fetch_bytes: must be an integer from 1 to 9223372036854775807]"));
}

TEST_F(dis_consume_records, records_past_retention_are_gone_and_old_positions_are_dis_4226) {
    // Records 0-2 were accepted at start_ms, record 3 at start_ms + 100; retention is 24 hours.
    server.clock().now_ms += 24LL * 3'600'000 - 100 - 1000;
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    EXPECT_EQ(routes::dis::decode_cursor(c)->position, 0);
    server.clock().now_ms += 1000;
    EXPECT_TRUE(is_dis_error(
        consume(c), "DIS.4226",
        "A partition iterator error occurred or a record to which the SN corresponds has expired. "
        "Try to obtain the partition iterator again."));
    EXPECT_EQ(read(cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON")), (strings{"3"}));
    const auto shown = server.request("GET", path("/streams/orders")).json();
    EXPECT_TRUE(has_string(shown["partitions"][0], "sequence_number_range", "[3 : 4]"));
}

TEST_F(dis_consume_records, a_deleted_or_recreated_stream_refuses_old_cursors) {
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    ASSERT_EQ(server.request("DELETE", path("/streams/orders")).status, 204U);
    EXPECT_TRUE(
        is_dis_error(consume(c), "DIS.4301", "The stream does not exist. [orders][" + project_id + "]"));
    ASSERT_EQ(
        server.request("POST", path("/streams"), R"({"stream_name":"orders","partition_count":1})").status,
        201U);
    EXPECT_TRUE(is_dis_error(consume(c), "DIS.4217",
                             "Invalid partition cursor. [the stream was deleted and created again]"));
}

TEST_F(dis_consume_records, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    const auto c = cursor("stream-name=orders&partition-id=0&cursor-type=TRIM_HORIZON");
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/records?partition-cursor=" + c, "bad")), "DIS.4117",
                             "Invalid Project Id. [bad]"));
    EXPECT_TRUE(is_dis_error(server.request("GET", path("/records?partition-cursor=" + c), {},
                                            {{"X-Project-Id", other_project_id}}),
                             "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
}

}  // namespace
}  // namespace emu::test
