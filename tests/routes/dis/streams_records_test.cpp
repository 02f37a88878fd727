// Route tests for DIS create stream, show stream and send records (reference dis-api.md §4.1, §4.3, §5.1):
// the real server over real sockets, asserting exact status, headers, field types, codes and messages, and
// that a refused request changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;

http_reply create_stream_with(const test_server& server, const std::string& body,
                              const std::string& project = project_id) {
    return server.request("POST", path("/streams", project), body);
}

http_reply create_stream(const test_server& server, const std::string& name, int partitions,
                         const std::string& extra = "", const std::string& project = project_id) {
    return create_stream_with(
        server,
        R"({"stream_name":")" + name + R"(","partition_count":)" + std::to_string(partitions) + extra + "}",
        project);
}

http_reply show_stream(const test_server& server, const std::string& name_and_query,
                       const std::string& project = project_id) {
    return server.request("GET", path("/streams/" + name_and_query, project));
}

http_reply send_records_with(const test_server& server, const std::string& body,
                             const std::string& project = project_id) {
    return server.request("POST", path("/records", project), body);
}

// `records` is the JSON text of the array's items.
http_reply send_records(const test_server& server, const std::string& stream, const std::string& records,
                        const std::string& project = project_id) {
    return send_records_with(server, R"({"stream_name":")" + stream + R"(","records":[)" + records + "]}",
                             project);
}

std::string record_to(const std::string& partition) {
    return R"({"data":"ZGF0YQ==","partition_id":")" + partition + R"("})";
}

std::string record_keyed(const std::string& key) {
    return R"({"data":"ZGF0YQ==","partition_key":")" + key + R"("})";
}

// Every partition's sequence_number_range, as show stream gives it.
std::vector<std::string> sequence_ranges(const test_server& server, const std::string& stream,
                                         const std::string& project = project_id) {
    const auto reply = show_stream(server, stream, project);
    EXPECT_TRUE(is_json_answer(reply)) << reply.body;
    const auto body = reply.json();
    std::vector<std::string> out;
    if (!body.IsObject() || !body.HasMember("partitions") || !body["partitions"].IsArray()) return out;
    for (const auto& p : body["partitions"].GetArray()) {
        out.emplace_back(p.HasMember("sequence_number_range") && p["sequence_number_range"].IsString()
                             ? p["sequence_number_range"].GetString()
                             : "<missing>");
    }
    return out;
}

std::vector<std::string> partition_ids(const rapidjson::Value& body) {
    std::vector<std::string> out;
    if (!body.IsObject() || !body.HasMember("partitions") || !body["partitions"].IsArray()) return out;
    for (const auto& p : body["partitions"].GetArray()) {
        out.emplace_back(p.HasMember("partition_id") && p["partition_id"].IsString()
                             ? p["partition_id"].GetString()
                             : "<missing>");
    }
    return out;
}

struct placed {
    std::string partition_id;
    std::string sequence_number;
    friend bool operator==(const placed&, const placed&) = default;
    friend std::ostream& operator<<(std::ostream& out, const placed& p) {
        return out << "{" << p.partition_id << ", " << p.sequence_number << "}";
    }
};

// The per-record results of a successful send, checked for shape: exactly
// {"failed_record_count":0,"records":[{"partition_id":"...","sequence_number":"..."}...]}.
std::vector<placed> placements(const http_reply& reply) {
    EXPECT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    std::vector<placed> out;
    if (!body.IsObject() || body.MemberCount() != 2 || !has_int(body, "failed_record_count", 0) ||
        !body.HasMember("records") || !body["records"].IsArray()) {
        ADD_FAILURE() << "not a send-records answer: " << reply.body;
        return out;
    }
    for (const auto& r : body["records"].GetArray()) {
        if (!r.IsObject() || r.MemberCount() != 2 || !r.HasMember("partition_id") ||
            !r["partition_id"].IsString() || !r.HasMember("sequence_number") ||
            !r["sequence_number"].IsString()) {
            ADD_FAILURE() << "bad result entry in " << reply.body;
            continue;
        }
        out.push_back({r["partition_id"].GetString(), r["sequence_number"].GetString()});
    }
    return out;
}

const std::string shard0 = "shardId-0000000000";
const std::string shard1 = "shardId-0000000001";
const std::string shard2 = "shardId-0000000002";

// --- POST /v2/{project_id}/streams ---------------------------------------------------------------------

TEST(dis_create_stream, answers_201_with_no_body_and_defaults) {
    test_server server;
    const auto reply = create_stream(server, "orders", 2);
    EXPECT_TRUE(is_empty_answer(reply, 201));
    EXPECT_EQ(reply.header("content-length"), "0");

    const auto shown = show_stream(server, "orders");
    ASSERT_TRUE(is_json_answer(shown));
    const auto body = shown.json();
    EXPECT_TRUE(has_string(body, "stream_type", "COMMON"));
    EXPECT_TRUE(has_string(body, "data_type", "BLOB"));
    EXPECT_TRUE(has_int(body, "retention_period", 24));
    EXPECT_TRUE(has_bool(body, "auto_scale_enabled", false));
    EXPECT_TRUE(has_int(body, "auto_scale_min_partition_count", 0));
    EXPECT_TRUE(has_int(body, "auto_scale_max_partition_count", 0));
    EXPECT_TRUE(has_empty_array(body, "tags"));
    EXPECT_TRUE(has_empty_array(body, "sys_tags"));
    EXPECT_FALSE(body.HasMember("data_schema"));
    EXPECT_FALSE(body.HasMember("compression_format"));
    EXPECT_FALSE(body.HasMember("csv_properties"));
    EXPECT_EQ(partition_ids(body), (std::vector<std::string>{shard0, shard1}));
}

TEST(dis_create_stream, stores_every_optional_field) {
    test_server server;
    const std::string schema = R"({\"type\":\"record\",\"name\":\"r\",\"fields\":[]})";
    const auto reply = create_stream_with(
        server, R"({"stream_name":"events","partition_count":2,"stream_type":"ADVANCED","data_type":"CSV",)"
                R"("data_duration":72,"auto_scale_enabled":true,"auto_scale_min_partition_count":1,)"
                R"("auto_scale_max_partition_count":4,"data_schema":")" +
                    schema +
                    R"(","csv_properties":{"delimiter":";"},"compression_format":"gzip",)"
                    R"("tags":[{"key":"team","value":"data"}],)"
                    R"("sys_tags":[{"key":"_sys_enterprise_project_id","value":"0"}]})");
    EXPECT_TRUE(is_empty_answer(reply, 201));

    const auto shown = show_stream(server, "events");
    ASSERT_TRUE(is_json_answer(shown));
    const auto body = shown.json();
    EXPECT_TRUE(has_string(body, "stream_type", "ADVANCED"));
    EXPECT_TRUE(has_string(body, "data_type", "CSV"));
    EXPECT_TRUE(has_int(body, "retention_period", 72));
    EXPECT_TRUE(has_bool(body, "auto_scale_enabled", true));
    EXPECT_TRUE(has_int(body, "auto_scale_min_partition_count", 1));
    EXPECT_TRUE(has_int(body, "auto_scale_max_partition_count", 4));
    EXPECT_TRUE(has_string(body, "data_schema", R"({"type":"record","name":"r","fields":[]})"));
    EXPECT_TRUE(has_string(body, "compression_format", "gzip"));
    ASSERT_TRUE(body.HasMember("csv_properties") && body["csv_properties"].IsObject());
    EXPECT_TRUE(has_string(body["csv_properties"], "delimiter", ";"));
    ASSERT_TRUE(body["tags"].IsArray() && body["tags"].Size() == 1);
    EXPECT_TRUE(has_string(body["tags"][0], "key", "team"));
    EXPECT_TRUE(has_string(body["tags"][0], "value", "data"));
    ASSERT_TRUE(body["sys_tags"].IsArray() && body["sys_tags"].Size() == 1);
    EXPECT_TRUE(has_string(body["sys_tags"][0], "key", "_sys_enterprise_project_id"));
}

TEST(dis_create_stream, duplicate_name_is_dis_4307_and_keeps_the_first) {
    test_server server;
    ASSERT_EQ(create_stream(server, "orders", 2).status, 201U);
    EXPECT_TRUE(is_dis_error(create_stream(server, "orders", 3, R"(,"data_duration":48)"), "DIS.4307",
                             "The stream already exists."));
    const auto body = show_stream(server, "orders").json();
    EXPECT_EQ(partition_ids(body).size(), 2U);
    EXPECT_TRUE(has_int(body, "retention_period", 24));
}

TEST(dis_create_stream, stream_name_rules) {
    test_server server;
    const std::string message = "Invalid request. [stream_name: must be 1 to 64 letters, digits, _ or -]";
    for (const std::string& name : std::vector<std::string>{"", "has space", "dot.name", "slash/name",
                                                            "caf\xC3\xA9", std::string(65, 'a')}) {
        SCOPED_TRACE("stream_name=" + name);
        EXPECT_TRUE(is_dis_error(create_stream(server, name, 1), "DIS.4200", message));
    }
    EXPECT_TRUE(is_dis_error(create_stream_with(server, R"({"partition_count":1})"), "DIS.4200",
                             "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(is_dis_error(create_stream_with(server, R"({"stream_name":7,"partition_count":1})"),
                             "DIS.4200", "Invalid request. [stream_name: must be a string]"));
    EXPECT_TRUE(is_dis_error(show_stream(server, "has%20space"), "DIS.4301",
                             "The stream does not exist. [has space][" + project_id + "]"));
    EXPECT_TRUE(
        is_dis_error(show_stream(server, std::string(65, 'a')), "DIS.4301",
                     "The stream does not exist. [" + std::string(65, 'a') + "][" + project_id + "]"));

    const std::string longest = "A-z_09" + std::string(58, 'x');
    EXPECT_TRUE(is_empty_answer(create_stream(server, longest, 1), 201));
    EXPECT_TRUE(is_json_answer(show_stream(server, longest)));
}

TEST(dis_create_stream, partition_count_must_be_a_positive_integer) {
    test_server server;
    struct refused {
        std::string value;
        std::string message;
    };
    const std::string range = "Invalid request. [partition_count: must be from 1 to 2147483647]";
    for (const auto& c :
         std::vector<refused>{{"0", range},
                              {"-1", range},
                              {R"("2")", "Invalid request. [partition_count: must be an integer]"},
                              {"1.5", "Invalid request. [partition_count: must be an integer]"},
                              {"true", "Invalid request. [partition_count: must be an integer]"},
                              {"2147483648", range}}) {
        SCOPED_TRACE("partition_count=" + c.value);
        EXPECT_TRUE(is_dis_error(
            create_stream_with(server, R"({"stream_name":"orders","partition_count":)" + c.value + "}"),
            "DIS.4200", c.message));
    }
    EXPECT_TRUE(is_dis_error(create_stream_with(server, R"({"stream_name":"orders"})"), "DIS.4200",
                             "Invalid request. [partition_count: is required]"));
    EXPECT_TRUE(is_dis_error(create_stream_with(server, R"({"stream_name":"orders","partition_count":null})"),
                             "DIS.4200", "Invalid request. [partition_count: is required]"));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
}

TEST(dis_create_stream, enums_are_checked) {
    test_server server;
    struct refused {
        std::string extra;
        std::string message;
    };
    for (const auto& c : std::vector<refused>{
             {R"(,"stream_type":"FAST")", "Invalid request. [stream_type: unsupported value FAST]"},
             {R"(,"stream_type":"common")", "Invalid request. [stream_type: unsupported value common]"},
             {R"(,"data_type":"XML")", "Invalid request. [data_type: unsupported value XML]"},
             {R"(,"compression_format":"lz4")",
              "Invalid request. [compression_format: unsupported value lz4]"},
             {R"(,"auto_scale_enabled":"true")", "Invalid request. [auto_scale_enabled: must be a boolean]"},
         }) {
        SCOPED_TRACE(c.extra);
        EXPECT_TRUE(is_dis_error(create_stream(server, "orders", 1, c.extra), "DIS.4200", c.message));
    }
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    for (const std::string type : {"BLOB", "JSON", "CSV"}) {
        EXPECT_TRUE(
            is_empty_answer(create_stream(server, "s" + type, 1, R"(,"data_type":")" + type + R"(")"), 201));
        EXPECT_TRUE(has_string(show_stream(server, "s" + type).json(), "data_type", type));
    }
}

TEST(dis_create_stream, data_duration_is_24_to_72_hours) {
    test_server server;
    // 0 is not among them: it is the Go SDK's unset int, read as the default (native_paths_test).
    for (const std::string hours : {"23", "73", "1", "-24"}) {
        SCOPED_TRACE("data_duration=" + hours);
        EXPECT_TRUE(is_dis_error(create_stream(server, "orders", 1, R"(,"data_duration":)" + hours),
                                 "DIS.4200", "Invalid request. [data_duration: must be from 24 to 72]"));
    }
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    EXPECT_TRUE(is_empty_answer(create_stream(server, "day", 1, R"(,"data_duration":24)"), 201));
    EXPECT_TRUE(is_empty_answer(create_stream(server, "days", 1, R"(,"data_duration":72)"), 201));
    EXPECT_TRUE(has_int(show_stream(server, "day").json(), "retention_period", 24));
    EXPECT_TRUE(has_int(show_stream(server, "days").json(), "retention_period", 72));
}

std::string tags_json(int count) {
    std::string out = R"(,"tags":[)";
    for (int i = 0; i < count; ++i) {
        out += std::string(i == 0 ? "" : ",") + R"({"key":"k)" + std::to_string(i) + R"(","value":"v"})";
    }
    return out + "]";
}

TEST(dis_create_stream, more_than_10_tags_is_dis_4601) {
    test_server server;
    EXPECT_TRUE(is_dis_error(create_stream(server, "orders", 1, tags_json(11)), "DIS.4601",
                             "The number of resource tags has reached the maximum."));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    EXPECT_TRUE(is_empty_answer(create_stream(server, "orders", 1, tags_json(10)), 201));
    EXPECT_EQ(show_stream(server, "orders").json()["tags"].Size(), 10U);
}

TEST(dis_create_stream, tag_key_and_value_lengths) {
    test_server server;
    const auto with_tag = [&](const std::string& key, const std::string& value) {
        return create_stream(server, "orders", 1,
                             R"(,"tags":[{"key":")" + key + R"(","value":")" + value + R"("}])");
    };
    EXPECT_TRUE(is_dis_error(with_tag("", "v"), "DIS.4200",
                             "Invalid request. [tags[0].key: must be 1 to 36 characters]"));
    EXPECT_TRUE(is_dis_error(with_tag(std::string(37, 'k'), "v"), "DIS.4200",
                             "Invalid request. [tags[0].key: must be 1 to 36 characters]"));
    EXPECT_TRUE(is_dis_error(with_tag("k", std::string(44, 'v')), "DIS.4200",
                             "Invalid request. [tags[0].value: must be at most 43 characters]"));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    EXPECT_TRUE(is_empty_answer(with_tag(std::string(36, 'k'), std::string(43, 'v')), 201));
}

// Limits are in characters (reference §4.1): 36 two-byte characters are a valid key.
TEST(dis_create_stream, tag_lengths_count_characters_not_bytes) {
    test_server server;
    std::string key;
    std::string value;
    for (int i = 0; i < 36; ++i) key += "\xC3\xA9";
    for (int i = 0; i < 43; ++i) value += "\xC3\xA9";
    EXPECT_TRUE(
        is_empty_answer(create_stream(server, "orders", 1,
                                      R"(,"tags":[{"key":")" + key + R"(","value":")" + value + R"("}])"),
                        201));
    EXPECT_TRUE(is_dis_error(
        create_stream(server, "other", 1, R"(,"tags":[{"key":")" + key + "\xC3\xA9" + R"(","value":"v"}])"),
        "DIS.4200", "Invalid request. [tags[0].key: must be 1 to 36 characters]"));
}

TEST(dis_create_stream, common_partitions_over_50_per_project_is_dis_4308) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "big", 30), 201));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "rest", 20), 201));
    EXPECT_TRUE(is_dis_error(create_stream(server, "one-more", 1), "DIS.4308", "Insufficient quota."));
    EXPECT_TRUE(is_dis_error(show_stream(server, "one-more"), "DIS.4301",
                             "The stream does not exist. [one-more][" + project_id + "]"));
    // The ADVANCED quota (10) is separate, and so is every other project's.
    EXPECT_TRUE(is_empty_answer(create_stream(server, "fast", 10, R"(,"stream_type":"ADVANCED")"), 201));
    EXPECT_TRUE(is_dis_error(create_stream(server, "faster", 1, R"(,"stream_type":"ADVANCED")"), "DIS.4308",
                             "Insufficient quota."));
    EXPECT_TRUE(is_empty_answer(create_stream(server, "one-more", 50, "", other_project_id), 201));
}

TEST(dis_create_stream, one_stream_over_the_quota_is_dis_4308) {
    test_server server;
    EXPECT_TRUE(is_dis_error(create_stream(server, "huge", 51), "DIS.4308", "Insufficient quota."));
    EXPECT_TRUE(is_dis_error(create_stream(server, "huge", 2147483647), "DIS.4308", "Insufficient quota."));
    EXPECT_TRUE(is_dis_error(create_stream(server, "huge", 11, R"(,"stream_type":"ADVANCED")"), "DIS.4308",
                             "Insufficient quota."));
    EXPECT_TRUE(is_dis_error(show_stream(server, "huge"), "DIS.4301",
                             "The stream does not exist. [huge][" + project_id + "]"));
    EXPECT_TRUE(is_empty_answer(create_stream(server, "huge", 50), 201));
}

// The quota sum must not wrap: 1 used + 2147483647 requested is over 50, not negative.
TEST(dis_create_stream, partition_count_near_int32_max_on_top_of_used_partitions_is_dis_4308) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "small", 1), 201));
    EXPECT_TRUE(is_dis_error(create_stream(server, "huge", 2147483647), "DIS.4308", "Insufficient quota."));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "fast", 1, R"(,"stream_type":"ADVANCED")"), 201));
    EXPECT_TRUE(is_dis_error(create_stream(server, "faster", 2147483647, R"(,"stream_type":"ADVANCED")"),
                             "DIS.4308", "Insufficient quota."));
    EXPECT_TRUE(is_dis_error(show_stream(server, "huge"), "DIS.4301",
                             "The stream does not exist. [huge][" + project_id + "]"));
}

TEST(dis_create_stream, invalid_data_schema_is_dis_4360) {
    test_server server;
    // "" is not among them: it is the Go SDK's unset string, read as no schema (native_paths_test).
    for (const std::string schema : {"{not json", R"(\"just a string\")", "[]", " "}) {
        SCOPED_TRACE("data_schema=" + schema);
        EXPECT_TRUE(is_dis_error(
            create_stream(server, "orders", 1, R"(,"data_type":"JSON","data_schema":")" + schema + R"(")"),
            "DIS.4360", "Invalid data schema."));
    }
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
}

TEST(dis_create_stream, empty_or_unparsable_body) {
    test_server server;
    EXPECT_TRUE(is_dis_error(create_stream_with(server, ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(
        is_dis_error(create_stream_with(server, R"({"stream_name":"orders")"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(create_stream_with(server, "[]"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(create_stream_with(server, "null"), "DIS.4300", "Request error."));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
}

TEST(dis_create_stream, ignores_unknown_fields) {
    test_server server;
    EXPECT_TRUE(
        is_empty_answer(create_stream(server, "orders", 1, R"(,"stream_id":"x","whatever":{"a":[1]})"), 201));
    EXPECT_TRUE(is_json_answer(show_stream(server, "orders")));
}

TEST(dis_create_stream, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    const std::string body = R"({"stream_name":"orders","partition_count":1})";
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/streams", "project"), body), "DIS.4117",
                             "Invalid Project Id. [project]"));
    EXPECT_TRUE(
        is_dis_error(server.request("POST", path("/streams"), body, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders", other_project_id), "DIS.4301",
                             "The stream does not exist. [orders][" + other_project_id + "]"));
    EXPECT_TRUE(
        is_empty_answer(server.request("POST", path("/streams"), body, {{"X-Project-Id", project_id}}), 201));
}

// --- GET /v2/{project_id}/streams/{stream_name} ---------------------------------------------------------

TEST(dis_show_stream, every_field_with_its_type) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    server.clock().now_ms += 5'000;  // create_time is the creation time, not the time of the read

    const auto reply = show_stream(server, "orders");
    ASSERT_TRUE(is_json_answer(reply));
    const auto body = reply.json();
    ASSERT_TRUE(body.IsObject());
    EXPECT_TRUE(has_string(body, "stream_name", "orders"));
    ASSERT_TRUE(body.HasMember("stream_id") && body["stream_id"].IsString());
    const std::string stream_id = body["stream_id"].GetString();
    EXPECT_EQ(stream_id.size(), 19U);
    EXPECT_TRUE(std::all_of(stream_id.begin(), stream_id.end(), [](unsigned char c) {
        return std::isalnum(c);
    })) << stream_id;
    EXPECT_TRUE(has_int(body, "create_time", start_ms));
    EXPECT_TRUE(has_int(body, "last_modified_time", start_ms));
    EXPECT_TRUE(has_int(body, "retention_period", 24));
    EXPECT_TRUE(has_string(body, "status", "RUNNING"));
    EXPECT_TRUE(has_string(body, "stream_type", "COMMON"));
    EXPECT_TRUE(has_string(body, "data_type", "BLOB"));
    EXPECT_TRUE(has_int(body, "writable_partition_count", 2));
    EXPECT_TRUE(has_int(body, "readable_partition_count", 2));
    EXPECT_TRUE(has_empty_array(body, "update_partition_counts"));
    EXPECT_TRUE(has_empty_array(body, "tags"));
    EXPECT_TRUE(has_empty_array(body, "sys_tags"));
    EXPECT_TRUE(has_bool(body, "auto_scale_enabled", false));
    EXPECT_TRUE(has_int(body, "auto_scale_min_partition_count", 0));
    EXPECT_TRUE(has_int(body, "auto_scale_max_partition_count", 0));
    EXPECT_TRUE(has_bool(body, "has_more_partitions", false));
    EXPECT_EQ(body.MemberCount(), 18U) << reply.body;

    ASSERT_TRUE(body.HasMember("partitions") && body["partitions"].IsArray());
    ASSERT_EQ(body["partitions"].Size(), 2U);
    const auto& p0 = body["partitions"][0];
    EXPECT_EQ(p0.MemberCount(), 4U);
    EXPECT_TRUE(has_string(p0, "partition_id", shard0));
    EXPECT_TRUE(has_string(p0, "status", "ACTIVE"));
    EXPECT_TRUE(has_string(p0, "hash_range", "[0 : 4611686018427387903]"));
    EXPECT_TRUE(has_string(p0, "sequence_number_range", "[0 : 0]"));
    const auto& p1 = body["partitions"][1];
    EXPECT_EQ(p1.MemberCount(), 4U);
    EXPECT_TRUE(has_string(p1, "partition_id", shard1));
    EXPECT_TRUE(has_string(p1, "status", "ACTIVE"));
    EXPECT_TRUE(has_string(p1, "hash_range", "[4611686018427387904 : 9223372036854775807]"));
    EXPECT_TRUE(has_string(p1, "sequence_number_range", "[0 : 0]"));
}

TEST(dis_show_stream, one_partition_covers_the_whole_hash_range) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "solo", 1), 201));
    const auto body = show_stream(server, "solo").json();
    ASSERT_EQ(body["partitions"].Size(), 1U);
    EXPECT_TRUE(has_string(body["partitions"][0], "partition_id", shard0));
    EXPECT_TRUE(has_string(body["partitions"][0], "hash_range", "[0 : 9223372036854775807]"));
    EXPECT_TRUE(has_int(body, "writable_partition_count", 1));
    EXPECT_TRUE(has_int(body, "readable_partition_count", 1));
}

TEST(dis_show_stream, sequence_number_range_moves_as_records_are_sent) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]", "[0 : 0]"}));
    ASSERT_EQ(
        send_records(server, "orders", record_to("0") + "," + record_to("0") + "," + record_to("0")).status,
        200U);
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 3]", "[0 : 0]"}));
    ASSERT_EQ(send_records(server, "orders", record_to("1")).status, 200U);
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 3]", "[0 : 1]"}));
}

TEST(dis_show_stream, pages_with_start_partition_id_and_limit_partitions) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 3), 201));
    struct page {
        std::string query;
        std::vector<std::string> ids;
        bool has_more;
    };
    for (const auto& c : std::vector<page>{
             {"", {shard0, shard1, shard2}, false},
             {"?limit_partitions=2", {shard0, shard1}, true},
             {"?limit_partitions=3", {shard0, shard1, shard2}, false},
             {"?limit_partitions=1000", {shard0, shard1, shard2}, false},
             {"?start_partitionId=shardId-0000000001&limit_partitions=2", {shard2}, false},
             {"?start_partitionId=shardId-0000000000&limit_partitions=1", {shard1}, true},
             {"?start_partitionId=0", {shard1, shard2}, false},
             {"?start_partitionId=",
              {shard0, shard1, shard2},
              false},  // the Kafka adapter's "from the first"
             {"?start_partitionId=shardId-0000000002", {}, false},
             {"?start_partitionId=shardId-0000000009", {}, false},
             {"?start_partitionId=2147483647", {}, false},
             {"?start_partitionId=shardId-2147483647&limit_partitions=1000", {}, false},
         }) {
        SCOPED_TRACE(c.query);
        const auto reply = show_stream(server, "orders" + c.query);
        ASSERT_TRUE(is_json_answer(reply));
        const auto body = reply.json();
        EXPECT_EQ(partition_ids(body), c.ids);
        EXPECT_TRUE(has_bool(body, "has_more_partitions", c.has_more));
        // Counts describe the stream, not the page.
        EXPECT_TRUE(has_int(body, "writable_partition_count", 3));
        EXPECT_TRUE(has_int(body, "readable_partition_count", 3));
    }
}

TEST(dis_show_stream, hash_ranges_are_per_partition_on_every_page) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const auto body = show_stream(server, "orders?start_partitionId=shardId-0000000000").json();
    ASSERT_EQ(body["partitions"].Size(), 1U);
    EXPECT_TRUE(
        has_string(body["partitions"][0], "hash_range", "[4611686018427387904 : 9223372036854775807]"));
}

TEST(dis_show_stream, bad_limit_partitions_is_dis_4200) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    // 0 is not among them: it is the Go SDK's unset int, read as the default page (native_paths_test).
    for (const std::string limit : {"1001", "abc", "-1", ""}) {
        SCOPED_TRACE("limit_partitions=" + limit);
        EXPECT_TRUE(is_dis_error(show_stream(server, "orders?limit_partitions=" + limit), "DIS.4200",
                                 "Invalid request. [limit_partitions: must be from 1 to 1000]"));
    }
}

TEST(dis_show_stream, bad_start_partition_id_is_dis_4201) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    for (const std::string start : {"abc", "shardId-1", "shardId-", "-1", "2147483648"}) {
        SCOPED_TRACE("start_partitionId=" + start);
        EXPECT_TRUE(is_dis_error(show_stream(server, "orders?start_partitionId=" + start), "DIS.4201",
                                 "Invalid partition_id. [" + start + "]"));
    }
}

TEST(dis_show_stream, unknown_stream_is_dis_4301) {
    test_server server;
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders"), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(show_stream(server, "order"), "DIS.4301",
                             "The stream does not exist. [order][" + project_id + "]"));
}

TEST(dis_show_stream, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(show_stream(server, "orders", project_id + "0"), "DIS.4117",
                             "Invalid Project Id. [" + project_id + "0]"));
    EXPECT_TRUE(
        is_dis_error(server.request("GET", path("/streams/orders"), {}, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
}

TEST(dis_show_stream, projects_are_isolated) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    ASSERT_TRUE(
        is_empty_answer(create_stream(server, "orders", 1, R"(,"data_duration":48)", other_project_id), 201));
    ASSERT_EQ(send_records(server, "orders", record_to("0") + "," + record_to("1")).status, 200U);

    const auto mine = show_stream(server, "orders").json();
    const auto theirs = show_stream(server, "orders", other_project_id).json();
    EXPECT_EQ(partition_ids(mine).size(), 2U);
    EXPECT_EQ(partition_ids(theirs).size(), 1U);
    EXPECT_TRUE(has_int(theirs, "retention_period", 48));
    EXPECT_NE(std::string(mine["stream_id"].GetString()), std::string(theirs["stream_id"].GetString()));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 1]", "[0 : 1]"}));
    EXPECT_EQ(sequence_ranges(server, "orders", other_project_id), (std::vector<std::string>{"[0 : 0]"}));
}

// --- POST /v2/{project_id}/records ---------------------------------------------------------------------

TEST(dis_send_records, one_result_per_record_in_input_order_with_consecutive_sequence_numbers) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const auto reply = send_records(
        server, "orders",
        record_to("0") + "," + record_to("1") + "," + record_to("shardId-0000000000") + "," + record_to("0"));
    EXPECT_EQ(placements(reply),
              (std::vector<placed>{{shard0, "0"}, {shard1, "0"}, {shard0, "1"}, {shard0, "2"}}));
    EXPECT_EQ(placements(send_records(server, "orders", record_to("1") + "," + record_to("0"))),
              (std::vector<placed>{{shard1, "1"}, {shard0, "3"}}));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 4]", "[0 : 2]"}));
}

TEST(dis_send_records, answer_is_exactly_the_documented_shape) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    const auto reply = send_records(server, "orders", record_to("0"));
    EXPECT_TRUE(is_json_answer(reply));
    EXPECT_EQ(
        reply.body,
        R"({"failed_record_count":0,"records":[{"partition_id":"shardId-0000000000","sequence_number":"0"}]})");
}

TEST(dis_send_records, partition_key_is_hashed_with_md5) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "two", 2), 201));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "three", 3), 201));
    EXPECT_EQ(placements(send_records(
                  server, "two",
                  record_keyed("user-42") + "," + record_keyed("k1") + "," + record_keyed("user-42"))),
              (std::vector<placed>{{shard1, "0"}, {shard0, "0"}, {shard1, "1"}}));
    EXPECT_EQ(placements(send_records(server, "three", record_keyed("user-42") + "," + record_keyed("k1"))),
              (std::vector<placed>{{shard2, "0"}, {shard1, "0"}}));
}

TEST(dis_send_records, explicit_hash_key_picks_the_partition_owning_that_hash) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const auto hashed = [](const std::string& hash) {
        return R"({"data":"ZGF0YQ==","explicit_hash_key":")" + hash + R"("})";
    };
    EXPECT_EQ(
        placements(send_records(server, "orders",
                                hashed("0") + "," + hashed("4611686018427387903") + "," +
                                    hashed("4611686018427387904") + "," + hashed("9223372036854775807"))),
        (std::vector<placed>{{shard0, "0"}, {shard0, "1"}, {shard1, "0"}, {shard1, "1"}}));
}

TEST(dis_send_records, partition_id_wins_then_explicit_hash_key_then_partition_key) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    EXPECT_EQ(
        placements(send_records(
            server, "orders",
            // partition_id over both others ("user-42" and hash 0 would both say otherwise)
            R"({"data":"ZGF0YQ==","partition_id":"0","explicit_hash_key":"9223372036854775807","partition_key":"user-42"},)"
            // explicit_hash_key over partition_key ("user-42" hashes to partition 1)
            R"({"data":"ZGF0YQ==","explicit_hash_key":"0","partition_key":"user-42"},)"
            // partition_key alone
            R"({"data":"ZGF0YQ==","partition_key":"user-42"})")),
        (std::vector<placed>{{shard0, "0"}, {shard0, "1"}, {shard1, "0"}}));
}

TEST(dis_send_records, records_without_a_target_are_spread_over_the_partitions) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    const std::string plain = R"({"data":"ZGF0YQ=="})";
    const auto results =
        placements(send_records(server, "orders", plain + "," + plain + "," + plain + "," + plain));
    ASSERT_EQ(results.size(), 4U);
    EXPECT_EQ(std::count_if(results.begin(), results.end(),
                            [](const placed& p) { return p.partition_id == shard0; }),
              2);
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 2]", "[0 : 2]"}));
}

TEST(dis_send_records, ignores_unknown_fields) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_EQ(placements(send_records_with(
                  server, R"({"stream_name":"orders","stream_id":"abc","records":[{"data":"ZGF0YQ==",)"
                          R"("timestamp":1700000000000,"partition_id":"0"}]})")),
              (std::vector<placed>{{shard0, "0"}}));
}

TEST(dis_send_records, data_not_base64_is_dis_4200_and_nothing_is_appended) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    for (const std::string data : {"not base64!", "abc", "ZGF0YQ", "ZG F0YQ==", "ab!="}) {
        SCOPED_TRACE("data=" + data);
        EXPECT_TRUE(
            is_dis_error(send_records(server, "orders",
                                      record_to("0") + R"(,{"data":")" + data + R"(","partition_id":"1"})"),
                         "DIS.4200", "Invalid request. [records[1].data: must be base64]"));
    }
    EXPECT_TRUE(is_dis_error(send_records(server, "orders", R"({"data":5})"), "DIS.4200",
                             "Invalid request. [records[0].data: must be a string]"));
    EXPECT_TRUE(is_dis_error(send_records(server, "orders", R"({"partition_id":"0"})"), "DIS.4200",
                             "Invalid request. [records[0].data: is required]"));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]", "[0 : 0]"}));
}

TEST(dis_send_records, unknown_partition_is_dis_4302_and_nothing_is_appended) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    EXPECT_TRUE(is_dis_error(
        send_records(server, "orders", record_to("0") + "," + record_to("1") + "," + record_to("2")),
        "DIS.4302", "Partition does not exist. [shardId-0000000002]"));
    EXPECT_TRUE(
        is_dis_error(send_records(server, "orders", record_to("shardId-0000000009") + "," + record_to("0")),
                     "DIS.4302", "Partition does not exist. [shardId-0000000009]"));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]", "[0 : 0]"}));
}

TEST(dis_send_records, malformed_partition_id_is_dis_4201_and_nothing_is_appended) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    // "" is not among them: it is the Go SDK's unset field, read as no partition_id (native_paths_test).
    for (const std::string id : {"abc", "shardId-1", "-1"}) {
        SCOPED_TRACE("partition_id=" + id);
        EXPECT_TRUE(is_dis_error(send_records(server, "orders", record_to("0") + "," + record_to(id)),
                                 "DIS.4201", "Invalid partition_id. [" + id + "]"));
    }
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]", "[0 : 0]"}));
}

TEST(dis_send_records, bad_explicit_hash_key_is_dis_4200) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 2), 201));
    for (const std::string hash : {"abc", "-1", "9223372036854775808", "1.5"}) {
        SCOPED_TRACE("explicit_hash_key=" + hash);
        EXPECT_TRUE(is_dis_error(
            send_records(server, "orders", R"({"data":"ZGF0YQ==","explicit_hash_key":")" + hash + R"("})"),
            "DIS.4200",
            "Invalid request. [records[0].explicit_hash_key: must be a decimal from 0 to 2^63-1]"));
    }
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]", "[0 : 0]"}));
}

TEST(dis_send_records, unknown_stream_is_dis_4301) {
    test_server server;
    EXPECT_TRUE(is_dis_error(send_records(server, "orders", record_to("0")), "DIS.4301",
                             "The stream does not exist. [orders][" + project_id + "]"));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(send_records(server, "other", record_to("0")), "DIS.4301",
                             "The stream does not exist. [other][" + project_id + "]"));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]"}));
}

TEST(dis_send_records, missing_stream_name_or_records_is_dis_4200) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"({"records":[{"data":"ZGF0YQ=="}]})"), "DIS.4200",
                             "Invalid request. [stream_name: is required]"));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"({"stream_name":"orders"})"), "DIS.4200",
                             "Invalid request. [records: at least one record is required]"));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"({"stream_name":"orders","records":[]})"),
                             "DIS.4200", "Invalid request. [records: at least one record is required]"));
    EXPECT_TRUE(
        is_dis_error(send_records_with(server, R"({"stream_name":"orders","records":{"data":"ZGF0YQ=="}})"),
                     "DIS.4200", "Invalid request. [records: must be an array]"));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"({"stream_name":"orders","records":["ZGF0YQ=="]})"),
                             "DIS.4200", "Invalid request. [records[0]: must be an object]"));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]"}));
}

TEST(dis_send_records, empty_or_unparsable_body) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(send_records_with(server, ""), "DIS.4202", "Empty request."));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"({"stream_name":"orders","records":[)"), "DIS.4300",
                             "Request error."));
    EXPECT_TRUE(is_dis_error(send_records_with(server, R"("orders")"), "DIS.4300", "Request error."));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]"}));
}

TEST(dis_send_records, malformed_project_id_or_other_x_project_id_is_dis_4117) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    const std::string body = R"({"stream_name":"orders","records":[{"data":"ZGF0YQ=="}]})";
    EXPECT_TRUE(is_dis_error(server.request("POST", path("/records", "x"), body), "DIS.4117",
                             "Invalid Project Id. [x]"));
    EXPECT_TRUE(
        is_dis_error(server.request("POST", path("/records"), body, {{"X-Project-Id", other_project_id}}),
                     "DIS.4117", "Invalid Project Id. [" + other_project_id + "]"));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 0]"}));
}

TEST(dis_send_records, projects_are_isolated) {
    test_server server;
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1), 201));
    EXPECT_TRUE(is_dis_error(send_records(server, "orders", record_to("0"), other_project_id), "DIS.4301",
                             "The stream does not exist. [orders][" + other_project_id + "]"));
    ASSERT_TRUE(is_empty_answer(create_stream(server, "orders", 1, "", other_project_id), 201));
    EXPECT_EQ(placements(send_records(server, "orders", record_to("0"))),
              (std::vector<placed>{{shard0, "0"}}));
    EXPECT_EQ(placements(send_records(server, "orders", record_to("0"), other_project_id)),
              (std::vector<placed>{{shard0, "0"}}));
    EXPECT_EQ(sequence_ranges(server, "orders"), (std::vector<std::string>{"[0 : 1]"}));
    EXPECT_EQ(sequence_ranges(server, "orders", other_project_id), (std::vector<std::string>{"[0 : 1]"}));
}

}  // namespace
}  // namespace emu::test

namespace emu::test {
namespace {

// Reference dis-api.md §10 Q15: DIS itself refuses bodies over 5 MB with DIS.4200, and appends nothing.
TEST(dis_request_size, a_body_over_five_megabytes_is_dis_4200_and_changes_nothing) {
    test_server server;
    const std::string base = "/v2/" + project_id;
    ASSERT_EQ(
        server.request("POST", base + "/streams", R"({"stream_name":"big","partition_count":1})").status,
        201U);
    const std::string data(5 * 1024 * 1024, 'A');  // valid base64, and the body is larger than 5 MB
    const auto reply = server.request("POST", base + "/records",
                                      R"({"stream_name":"big","records":[{"data":")" + data + R"("}]})");
    EXPECT_EQ(reply.status, 400U);
    EXPECT_EQ(
        reply.body,
        R"({"errorCode":"DIS.4200","message":"Invalid request. [request body: must be at most 5 MB (5242880 bytes)]"})");
    const auto stream = server.request("GET", base + "/streams/big").json();
    EXPECT_STREQ(stream["partitions"][0]["sequence_number_range"].GetString(), "[0 : 0]");
}

}  // namespace
}  // namespace emu::test
