#include "routes/control/fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "state/errors.hpp"

namespace emu::routes::control {
namespace {

const std::string project = "0123456789abcdef0123456789abcdef";
const std::string instance = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

std::string fixture_error_of(const std::string& text) {
    state::state st([] { return std::int64_t{1'700'000'000'000}; });
    try {
        load_fixture_text(text, "f.json", st);
    } catch (const fixture_error& error) {
        return error.what();
    }
    return "no error";
}

TEST(fixture, fault_rules_at_the_root_are_parsed_for_the_caller_and_refused_without_a_place_to_go) {
    const std::string text =
        R"({"faults":[{"operation":"DeleteCheckpoint","status":500,"count":2},{"path":"/v2/{project_id}/streams","delay_ms":50}]})";
    EXPECT_EQ(fixture_error_of(text), "f.json: $.faults: fault rules cannot be loaded here");

    state::state st([] { return std::int64_t{1'700'000'000'000}; });
    fixture_faults faults{{"DeleteCheckpoint", "ListStreams"}, {}};
    load_fixture_text(text, "f.json", st, load_mode::add, &faults);
    ASSERT_EQ(faults.rules.size(), 2U);
    EXPECT_EQ(faults.rules[0].operation, "DeleteCheckpoint");
    EXPECT_EQ(faults.rules[0].status, 500U);
    EXPECT_EQ(faults.rules[0].count, 2U);
    EXPECT_EQ(faults.rules[1].path, "/v2/{project_id}/streams");
    EXPECT_EQ(faults.rules[1].delay_ms, 50U);

    fixture_faults strict{{"ListStreams"}, {}};
    try {
        load_fixture_text(text, "f.json", st, load_mode::add, &strict);
        ADD_FAILURE() << "an unknown operation was accepted";
    } catch (const fixture_error& error) {
        EXPECT_EQ(std::string(error.what()).rfind("f.json: $.faults[0]: ", 0), 0U) << error.what();
    }
}

TEST(fixture, the_shipped_example_loads_with_pinned_ids_and_offsets) {
    state::state st([] { return std::int64_t{1'800'000'000'000}; });
    load_fixture_file(std::string(EMU_SOURCE_DIR) + "/examples/fixture.json", st);
    const auto info = st.kafka.get_instance(project, instance);
    EXPECT_EQ(info.spec.name, "emu-kafka-01");
    EXPECT_EQ(*info.spec.created_at, 1'700'000'000'000);
    const auto p0 = st.kafka.cluster(project, instance)->partition("orders", 0);
    EXPECT_EQ(p0.start_offset, 0);
    EXPECT_EQ(p0.end_offset, 5);
    EXPECT_EQ(p0.first_timestamp, 1'700'000'001'000);
    const auto header_message = st.kafka.cluster(project, instance)->message_at("orders", 1, 0);
    ASSERT_TRUE(header_message);
    EXPECT_FALSE(header_message->key);
    EXPECT_EQ(header_message->headers, (state::kafka_headers{{"source", "fixture"}}));
    const auto stream = st.dis.get_stream(project, "orders");
    EXPECT_EQ(stream.spec.stream_id, "EmuStreamOrders0001");
    EXPECT_EQ(stream.partitions[0].next, 3);
    EXPECT_EQ(stream.partitions[1].next, 2);
    const auto checkpoint = st.dis.get_checkpoint(project, {"billing", "orders", 0, "LAST_READ"});
    ASSERT_TRUE(checkpoint);
    EXPECT_EQ(checkpoint->sequence_number, 2);
    EXPECT_EQ(checkpoint->metadata, "worker-1");
    EXPECT_EQ(st.dis.get_app(project, "billing").app_id, "EmuAppBilling000001");
}

TEST(fixture, log_start_offset_describes_deleted_messages) {
    state::state st([] { return std::int64_t{1'700'000'000'000}; });
    load_fixture_text(R"({"projects":[{"project_id":")" + project +
                          R"(","kafka":{"instances":[{"instance_id":")" + instance +
                          R"(","name":"emu-kafka-01","topics":[{"id":"orders","partition":2,
                          "partitions":[{"partition":0,"log_start_offset":10},
                                        {"partition":1,"log_start_offset":4,"messages":[{"value":"a"},{"value":"b"}]}]}]}]}}]})",
                      "f.json", st);
    const auto p0 = st.kafka.cluster(project, instance)->partition("orders", 0);
    EXPECT_EQ(p0.start_offset, 10);
    EXPECT_EQ(p0.end_offset, 10);
    const auto p1 = st.kafka.cluster(project, instance)->partition("orders", 1);
    EXPECT_EQ(p1.start_offset, 4);
    EXPECT_EQ(p1.end_offset, 6);
    EXPECT_EQ(st.kafka.cluster(project, instance)->message_at("orders", 1, 5)->value, "b");
    EXPECT_EQ(st.kafka.cluster(project, instance)->message_at("orders", 1, 5)->timestamp, 1'700'000'000'000);
}

TEST(fixture, errors_name_the_file_the_json_path_and_the_problem) {
    EXPECT_EQ(fixture_error_of("{"),
              "f.json: $: not valid JSON at byte 1: Missing a name for object member.");
    EXPECT_EQ(fixture_error_of(R"({"project":[]})"), "f.json: $.project: unknown key");
    EXPECT_EQ(fixture_error_of(R"({"projects":{}})"), "f.json: $.projects: must be an array");
    EXPECT_EQ(fixture_error_of(R"({"projects":[{"project_id":"abc"}]})"),
              "f.json: $.projects[0].project_id: must be 32 hexadecimal characters");
    EXPECT_EQ(
        fixture_error_of(R"({"projects":[{"project_id":")" + project +
                         R"(","kafka":{"instances":[{"name":"x"}]}}]})"),
        "f.json: $.projects[0].kafka.instances[0]: Invalid instance name. The name must be 4 to 64 "
        "characters "
        "long, start with a letter, and contain only letters, digits, hyphens (-), and underscores (_). "
        "(DMS.00400010)");
    EXPECT_EQ(fixture_error_of(R"({"projects":[{"project_id":")" + project +
                               R"(","kafka":{"instances":[{"name":"emu-1","instance_id":"nope"}]}}]})"),
              "f.json: $.projects[0].kafka.instances[0]: Invalid DMS instance id. The id must be a uuid. "
              "(DMS.00400030)");
    EXPECT_EQ(
        fixture_error_of(R"({"projects":[{"project_id":")" + project +
                         R"(","kafka":{"instances":[{"name":"emu-1","topics":[{"id":"orders","partitions":[
                               {"partition":0,"messages":[{"key":"k"}]}]}]}]}}]})"),
        "f.json: $.projects[0].kafka.instances[0].topics[0].partitions[0].messages[0]: Invalid value "
        "parameter "
        "in the request. (DMS.00400062)");
    EXPECT_EQ(
        fixture_error_of(R"({"projects":[{"project_id":")" + project +
                         R"(","kafka":{"instances":[{"name":"emu-1","topics":[{"id":"orders","partition":1,
                               "partitions":[{"partition":3}]}]}]}}]})"),
        "f.json: $.projects[0].kafka.instances[0].topics[0].partitions[0]: Invalid partition parameter in "
        "the "
        "request. (DMS.00400062)");
    EXPECT_EQ(
        fixture_error_of(R"({"projects":[{"project_id":")" + project +
                         R"(","dis":{"checkpoints":[{"app_name":"a","stream_name":"s","partition_id":"0",
                               "sequence_number":"0"}]}}]})"),
        "f.json: $.projects[0].dis.checkpoints[0]: The stream does not exist. [s][" + project +
            "] (DIS.4301)");
    EXPECT_EQ(
        fixture_error_of(
            R"({"projects":[{"project_id":")" + project +
            R"(","dis":{"streams":[{"stream_name":"s","partition_count":1,"records":[{"data":"!!"}]}]}}]})"),
        "f.json: $.projects[0].dis.streams[0].records[0]: Invalid request. [record.data: must be base64] "
        "(DIS.4200)");
    EXPECT_EQ(fixture_error_of(R"({"projects":[{"project_id":")" + project + R"(","dis":{"stream":[]}}]})"),
              "f.json: $.projects[0].dis.stream: unknown key");
}

TEST(fixture, a_missing_file_is_named) {
    state::state st;
    try {
        load_fixture_file("/nonexistent/fixture.json", st);
        FAIL() << "no error";
    } catch (const fixture_error& error) {
        EXPECT_STREQ(error.what(), "/nonexistent/fixture.json: cannot be read");
    }
}

}  // namespace
}  // namespace emu::routes::control
