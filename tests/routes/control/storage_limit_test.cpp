// --max-stored-bytes over HTTP: a full store refuses writes in each service's own error format, changes
// nothing, keeps serving reads and deletes, and takes writes again once a deletion has freed space.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kafka/protocol/record_batch.hpp"
#include "routes/control/fixture.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

// What a message sent through DMS costs: the record batch v2 it is stored as (one per message).
std::uint64_t dms_cost(std::size_t value_bytes) {
    std::vector<kafka::protocol::record> records(1);
    records[0].value = std::string(value_bytes, 'v');
    return kafka::protocol::encode_batch(kafka::protocol::batch_header{}, records).size();
}

// Room for a 60-byte and a 40-byte message, or two of 50 bytes, and not one byte more.
const std::uint64_t cap = dms_cost(60) + dms_cost(40);
const std::string full_dms_message = "The emulator's storage limit of " + std::to_string(cap) +
                                     " bytes (--max-stored-bytes) is reached. Delete messages or topics to "
                                     "free space.";

std::string b64(std::size_t quads) {
    std::string out;
    for (std::size_t i = 0; i < quads; ++i) out += "QUFB";
    return out;
}

http_reply put_record(const test_server& server, const std::string& stream, const std::string& data) {
    return server.request("POST", path("/records"),
                          R"({"stream_name":")" + stream + R"(","records":[{"data":")" + data + R"("}]})");
}

std::int64_t end_offset(const test_server& server, const std::string& instance, int partition) {
    const auto reply = server.request("GET", partitions_path(instance, "orders"));
    EXPECT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    for (const auto& p : body["partitions"].GetArray()) {
        if (p["partition"].GetInt() == partition) return p["last_offset"].GetInt64();
    }
    ADD_FAILURE() << "no partition " << partition << " in " << reply.body;
    return -1;
}

class storage_limit : public testing::Test {
  protected:
    test_server server{[](server::config& c) { c.max_stored_bytes = cap; }};
    std::string instance = create_instance(server);

    void SetUp() override { create_topic(server, instance, "orders", 1); }
};

TEST_F(storage_limit, a_full_store_refuses_send_message_in_the_dms_format_and_changes_nothing) {
    send(server, instance, "orders", std::string(60, 'a'), 0);
    const auto refused =
        server.request("POST", send_path(instance), send_body("orders", std::string(41, 'b'), 0, {}));
    expect_dms_error(refused, 400, "DMS.00400800", full_dms_message);
    EXPECT_EQ(end_offset(server, instance, 0), 1);

    // Reads keep working.
    const auto read = server.request("GET", partition_path(instance, "orders", "0") + "/end-message");
    EXPECT_EQ(read.status, 200U) << read.body;
}

TEST_F(storage_limit, deleting_messages_frees_space_and_sending_works_again) {
    ASSERT_LE(2 * dms_cost(50), cap);
    ASSERT_GT(2 * dms_cost(50) + dms_cost(1), cap);
    send(server, instance, "orders", std::string(50, 'a'), 0);
    send(server, instance, "orders", std::string(50, 'a'), 0);
    const auto refused = server.request("POST", send_path(instance), send_body("orders", "x", 0, {}));
    expect_dms_error(refused, 400, "DMS.00400800", full_dms_message);

    const auto deleted = server.request("POST", post_delete_path(instance, "orders"),
                                        R"({"partitions":[{"partition":0,"offset":1}]})");
    EXPECT_EQ(deleted.status, 200U) << deleted.body;
    send(server, instance, "orders", std::string(50, 'c'), 0);
    EXPECT_EQ(end_offset(server, instance, 0), 3);
}

TEST_F(storage_limit, a_full_store_refuses_put_records_in_the_dis_format_and_changes_nothing) {
    ASSERT_EQ(server.request("POST", path("/streams"), R"({"stream_name":"s","partition_count":1})").status,
              201U);
    send(server, instance, "orders", std::string(60, 'a'), 0);  // both services share the cap
    send(server, instance, "orders", std::string(40, 'a'), 0);
    const auto refused = put_record(server, "s", b64(11));  // 44 bytes
    EXPECT_TRUE(
        is_dis_error(refused, "DIS.4308",
                     "Insufficient quota. [stored data limit of " + std::to_string(cap) + " bytes reached]"));
    const auto stream = server.request("GET", path("/streams/s"));
    ASSERT_EQ(stream.status, 200U);
    EXPECT_NE(stream.body.find(R"("sequence_number_range":"[0 : 0]")"), std::string::npos) << stream.body;

    // Deleting the topic frees its messages' bytes.
    const auto deleted =
        server.request("POST", topics_path(instance) + "/delete", R"({"topics":["orders"]})");
    EXPECT_EQ(deleted.status, 200U) << deleted.body;
    const auto accepted = put_record(server, "s", b64(11));
    EXPECT_EQ(accepted.status, 200U) << accepted.body;
}

TEST(storage_limit_fixture, a_fixture_over_the_cap_is_refused_naming_where) {
    state::state st(state::system_now_ms, 5);
    const std::string fixture = R"({"projects":[{"project_id":")" + project_id +
                                R"(","kafka":{"instances":[{"instance_id":")" + unknown_instance +
                                R"(","name":"emu-kafka-01","topics":[{"id":"orders","partition":1,
        "partitions":[{"partition":0,"messages":[{"value":"abc"},{"value":"def"}]}]}]}]}}]})";
    try {
        routes::control::load_fixture_text(fixture, "f.json", st);
        ADD_FAILURE() << "a fixture over the cap loaded";
    } catch (const routes::control::fixture_error& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("f.json: "), std::string::npos) << what;
        EXPECT_NE(what.find("partitions[0]"), std::string::npos) << what;
        EXPECT_NE(what.find("storage limit of 5 bytes"), std::string::npos) << what;
        EXPECT_NE(what.find("(DMS.00400800)"), std::string::npos) << what;
    }
    EXPECT_EQ(st.budget->used(), 0U);
}

}  // namespace
}  // namespace emu::test
