#include "routes/http/error_mapping.hpp"

#include <gtest/gtest.h>

namespace emu::routes {
namespace {

using state::errc;

const char* route_name(service route) {
    switch (route) {
        case service::dms:
            return "DMS";
        case service::dis:
            return "DIS";
        case service::gateway:
            break;
    }
    return "gateway";
}

struct expected_answer {
    errc code;
    state::error_facts facts;
    service route;   // the service of the route that failed
    service format;  // the answer's body
    unsigned status;
    std::string error_code;
    std::string message;
};

// Pins every domain failure to its client answer; a new errc must be added here and in error_mapping.cpp.
// A fact both services report (a missing partition, the storage limit) has a row per service.
const std::vector<expected_answer>& answer_table() {
    static const std::vector<expected_answer> table{
        {errc::instance_not_found,
         {.name = "x"},
         service::dms,
         service::dms,
         404,
         "DMS.00404022",
         "This DMS instance does not exist."},
        {errc::instance_name_exists,
         {.name = "x"},
         service::dms,
         service::dms,
         400,
         "DMS.00400060",
         "This instance name already exists."},
        {errc::instance_not_running,
         {.reason = "CREATING"},
         service::dms,
         service::dms,
         400,
         "DMS.00400026",
         "This operation is not allowed due to the instance status."},
        {errc::topic_not_found,
         {.name = "t"},
         service::dms,
         service::dms,
         400,
         "DMS.00400062",
         "Invalid topic in the request."},
        {errc::topic_exists,
         {.name = "t"},
         service::dms,
         service::dms,
         400,
         "DMS.00400062",
         "Invalid topic in the request."},
        {errc::partition_not_found,
         {.index = 7},
         service::dms,
         service::dms,
         400,
         "DMS.00400062",
         "Invalid partition parameter in the request."},
        {errc::partition_quota_exceeded,
         {.limit = 300},
         service::dms,
         service::dms,
         400,
         "DMS.00400102",
         "The number of partitions exceeds the partition quota of the instance (300)."},
        {errc::replication_exceeds_brokers,
         {.limit = 3},
         service::dms,
         service::dms,
         400,
         "DMS.00400861",
         "Replication factor larger than available brokers."},
        {errc::partition_count_decrease,
         {.name = "orders"},
         service::dms,
         service::dms,
         400,
         "DMS.00400102",
         "The number of partitions of topic orders can only be increased."},
        {errc::group_not_found,
         {.name = "billing"},
         service::dms,
         service::dms,
         400,
         "DMS.111400864",
         "The consumer group does not exist."},
        {errc::group_exists,
         {.name = "billing"},
         service::dms,
         service::dms,
         400,
         "DMS.10240018",
         "The consumer group already exists."},
        {errc::storage_full,
         {.limit = 1024},
         service::dms,
         service::dms,
         400,
         "DMS.00400800",
         "The emulator's storage limit of 1024 bytes (--max-stored-bytes) is reached. Delete messages or "
         "topics to "
         "free space."},
        {errc::stream_not_found,
         {.name = "orders", .project_id = "0123456789abcdef0123456789abcdef"},
         service::dis,
         service::dis,
         400,
         "DIS.4301",
         "The stream does not exist. [orders][0123456789abcdef0123456789abcdef]"},
        {errc::stream_exists,
         {.name = "orders"},
         service::dis,
         service::dis,
         400,
         "DIS.4307",
         "The stream already exists."},
        {errc::stream_not_running, {}, service::dis, service::dis, 400, "DIS.4205", "Stream is not running."},
        {errc::stream_partition_quota_exceeded,
         {},
         service::dis,
         service::dis,
         400,
         "DIS.4308",
         "Insufficient quota."},
        {errc::app_not_found,
         {.name = "billing"},
         service::dis,
         service::dis,
         400,
         "DIS.4332",
         "app not found."},
        {errc::app_exists,
         {.name = "billing"},
         service::dis,
         service::dis,
         400,
         "DIS.4330",
         "app already exist."},
        {errc::partition_not_found,
         {.index = 7},
         service::dis,
         service::dis,
         400,
         "DIS.4302",
         "Partition does not exist. [shardId-0000000007]"},
        {errc::dis_partition_expired,
         {.index = 2},
         service::dis,
         service::dis,
         400,
         "DIS.4319",
         "Partition is expired. [shardId-0000000002]"},
        {errc::sequence_number_out_of_range,
         {.requested = 5280, .low = 0, .high = 617},
         service::dis,
         service::dis,
         400,
         "DIS.4224",
         "Sequence_number out of range. [5280][ should be within ][0][ ][617]"},
        {errc::dis_cursor_invalid,
         {.reason = "stream changed"},
         service::dis,
         service::dis,
         400,
         "DIS.4217",
         "Invalid partition cursor. [stream changed]"},
        {errc::dis_position_expired,
         {.requested = 3, .low = 5},
         service::dis,
         service::dis,
         400,
         "DIS.4226",
         "A partition iterator error occurred or a record to which the SN corresponds has expired. Try to "
         "obtain the partition iterator again."},
        {errc::consumer_member_not_found,
         {.name = "consumer-1"},
         service::dis,
         service::dis,
         400,
         "DIS.4702",
         "Consumer member does not exist. [consumer-1 is not a member of the group]"},
        {errc::consumer_rebalance_in_progress,
         {.name = "consumer-1"},
         service::dis,
         service::dis,
         400,
         "DIS.4701",
         "Consumer group rebalance in progress. [join and sync the group again, then commit]"},
        {errc::consumer_generation_stale,
         {.name = "consumer-1", .requested = 1, .high = 2},
         service::dis,
         service::dis,
         400,
         "DIS.4703",
         "Illegal consumer group generation. [generation 1, the group's is 2]"},
        {errc::dis_resource_not_found,
         {.name = "EmuStreamOrders0001"},
         service::dis,
         service::dis,
         400,
         "DIS.4603",
         "The resource does not exist."},
        {errc::dis_tag_limit,
         {.limit = 10},
         service::dis,
         service::dis,
         400,
         "DIS.4601",
         "The number of resource tags has reached the maximum."},
        {errc::dis_tag_key_not_found,
         {.name = "team"},
         service::dis,
         service::dis,
         400,
         "DIS.4604",
         "The key does not exist."},
        {errc::transfer_task_not_found,
         {.name = "nightly"},
         service::dis,
         service::dis,
         400,
         "DIS.4354",
         "The transfer task does not exist."},
        {errc::transfer_task_exists,
         {.name = "nightly"},
         service::dis,
         service::dis,
         400,
         "DIS.4355",
         "The transfer task already exists."},
        {errc::transfer_task_quota_exceeded,
         {.limit = 5},
         service::dis,
         service::dis,
         400,
         "DIS.4357",
         "Exceeded transfer task quota."},
        {errc::consumer_quota_exceeded,
         {.limit = 1000},
         service::dis,
         service::dis,
         400,
         "DIS.4339",
         "Consumer quota exceeded. [a group has at most 1000 members]"},
        {errc::storage_full,
         {.limit = 1024},
         service::dis,
         service::dis,
         400,
         "DIS.4308",
         "Insufficient quota. [stored data limit of 1024 bytes reached]"},
        {errc::not_supported,
         {.name = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"},
         service::dms,
         service::gateway,
         501,
         "EMU.0501",
         "The Kafka cluster of instance 6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 is not held by the emulator: "
         "fixtures "
         "and state snapshots need an in-memory one."},
        // The shared facts on the gateway's own routes (the control plane): DMS's words.
        {errc::partition_not_found,
         {.index = 7},
         service::gateway,
         service::dms,
         400,
         "DMS.00400062",
         "Invalid partition parameter in the request."},
        {errc::storage_full,
         {.limit = 1024},
         service::gateway,
         service::dms,
         400,
         "DMS.00400800",
         "The emulator's storage limit of 1024 bytes (--max-stored-bytes) is reached. Delete messages or "
         "topics to free space."},
    };
    return table;
}

TEST(error_mapping, every_state_error_has_its_service_answer) {
    for (const auto& row : answer_table()) {
        const auto answer = to_api_error(state::error(row.code, row.facts), row.route);
        SCOPED_TRACE(std::string(state::to_string(row.code)) + " on a " + route_name(row.route) + " route");
        EXPECT_EQ(answer.format(), row.format);
        EXPECT_EQ(answer.status(), row.status);
        EXPECT_EQ(answer.code(), row.error_code);
        EXPECT_EQ(answer.message(), row.message);
    }
}

TEST(error_mapping, the_shared_facts_answer_in_the_routes_service) {
    const auto storage = state::error(errc::storage_full, {.limit = 1024});
    EXPECT_EQ(to_api_error(storage, service::dms).code(), "DMS.00400800");
    EXPECT_EQ(to_api_error(storage, service::dis).code(), "DIS.4308");
    const auto partition = state::error(errc::partition_not_found, {.index = 7});
    EXPECT_EQ(to_api_error(partition, service::dms).code(), "DMS.00400062");
    EXPECT_EQ(to_api_error(partition, service::dis).code(), "DIS.4302");
    // --max-stored-bytes takes any uint64, and the messages quote it whole.
    const auto largest = state::error(errc::storage_full, {.limit = UINT64_MAX});
    EXPECT_EQ(to_api_error(largest, service::dis).message(),
              "Insufficient quota. [stored data limit of 18446744073709551615 bytes reached]");
}

// Every other code belongs to one service and answers the same on any route.
TEST(error_mapping, the_other_codes_answer_the_same_on_every_route) {
    for (const auto& row : answer_table()) {
        if (row.code == errc::partition_not_found || row.code == errc::storage_full) continue;
        const state::error error(row.code, row.facts);
        SCOPED_TRACE(state::to_string(row.code));
        for (const auto route : {service::dms, service::dis, service::gateway}) {
            const auto answer = to_api_error(error, route);
            EXPECT_EQ(answer.format(), row.format);
            EXPECT_EQ(answer.status(), row.status);
            EXPECT_EQ(answer.code(), row.error_code);
            EXPECT_EQ(answer.message(), row.message);
        }
    }
}

// Mapping never throws, whatever the facts: a missing index is named as nothing, one outside the shardId
// range as its number.
TEST(error_mapping, a_partition_error_without_an_index_still_maps) {
    const auto answer = to_api_error(state::error(state::errc::partition_not_found), service::dis);
    EXPECT_EQ(answer.code(), "DIS.4302");
    EXPECT_EQ(answer.message(), "Partition does not exist. []");
    EXPECT_EQ(
        to_api_error(state::error(state::errc::partition_not_found, {.index = -1}), service::dis).message(),
        "Partition does not exist. [-1]");
    EXPECT_EQ(
        to_api_error(state::error(state::errc::dis_partition_expired, {.index = 4294967296}), service::dis)
            .message(),
        "Partition is expired. [4294967296]");
}

TEST(error_mapping, a_cursor_error_without_a_reason_has_no_brackets) {
    EXPECT_EQ(to_api_error(state::error(errc::dis_cursor_invalid), service::dis).message(),
              "Invalid partition cursor.");
}

TEST(error_mapping, bodies_use_each_services_own_keys) {
    EXPECT_EQ(error_body(dms_error("DMS.00404022"), "id1"),
              R"({"error_code":"DMS.00404022","error_msg":"This DMS instance does not exist."})");
    EXPECT_EQ(error_body(dis_error("DIS.4202"), "id1"),
              R"({"errorCode":"DIS.4202","message":"Empty request."})");
    EXPECT_EQ(error_body(gateway_error(404, "APIGW.0101", "gone"), "abc"),
              R"({"error_code":"APIGW.0101","error_msg":"gone","request_id":"abc"})");
}

TEST(error_mapping, unknown_codes_are_a_programming_error) {
    EXPECT_THROW(dms_error("DMS.99999999"), std::logic_error);
    EXPECT_THROW(dis_error("DIS.9999"), std::logic_error);
}

}  // namespace
}  // namespace emu::routes
