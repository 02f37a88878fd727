#include "routes/http/error_mapping.hpp"

#include <gtest/gtest.h>

namespace emu::routes {
namespace {

using state::errc;

struct expected_answer {
    errc code;
    std::vector<std::string> details;
    service format;
    unsigned status;
    std::string error_code;
    std::string message;
};

// Pins every domain failure to its client answer; a new errc must be added here and in error_mapping.cpp.
TEST(error_mapping, every_state_error_has_its_service_answer) {
    const std::vector<expected_answer> table{
        {errc::instance_not_found,
         {"x"},
         service::dms,
         404,
         "DMS.00404022",
         "This DMS instance does not exist."},
        {errc::instance_name_exists,
         {"x"},
         service::dms,
         400,
         "DMS.00400060",
         "This instance name already exists."},
        {errc::instance_not_running,
         {"CREATING"},
         service::dms,
         400,
         "DMS.00400026",
         "This operation is not allowed due to the instance status."},
        {errc::topic_not_found, {"t"}, service::dms, 400, "DMS.00400062", "Invalid topic in the request."},
        {errc::topic_exists, {"t"}, service::dms, 400, "DMS.00400062", "Invalid topic in the request."},
        {errc::partition_not_found,
         {"7"},
         service::dms,
         400,
         "DMS.00400062",
         "Invalid partition parameter in the request."},
        {errc::partition_quota_exceeded,
         {"300"},
         service::dms,
         400,
         "DMS.00400102",
         "The number of partitions exceeds the partition quota of the instance (300)."},
        {errc::replication_exceeds_brokers,
         {"3"},
         service::dms,
         400,
         "DMS.00400861",
         "Replication factor larger than available brokers."},
        {errc::partition_count_decrease,
         {"orders"},
         service::dms,
         400,
         "DMS.00400102",
         "The number of partitions of topic orders can only be increased."},
        {errc::group_not_found,
         {"billing"},
         service::dms,
         400,
         "DMS.111400864",
         "The consumer group does not exist."},
        {errc::group_exists,
         {"billing"},
         service::dms,
         400,
         "DMS.10240018",
         "The consumer group already exists."},
        {errc::storage_full,
         {"1024"},
         service::dms,
         400,
         "DMS.00400800",
         "The emulator's storage limit of 1024 bytes (--max-stored-bytes) is reached. Delete messages or "
         "topics to "
         "free space."},
        {errc::stream_not_found,
         {"orders", "0123456789abcdef0123456789abcdef"},
         service::dis,
         400,
         "DIS.4301",
         "The stream does not exist. [orders][0123456789abcdef0123456789abcdef]"},
        {errc::stream_exists, {"orders"}, service::dis, 400, "DIS.4307", "The stream already exists."},
        {errc::stream_not_running, {}, service::dis, 400, "DIS.4205", "Stream is not running."},
        {errc::stream_partition_quota_exceeded, {}, service::dis, 400, "DIS.4308", "Insufficient quota."},
        {errc::app_not_found, {"billing"}, service::dis, 400, "DIS.4332", "app not found."},
        {errc::app_exists, {"billing"}, service::dis, 400, "DIS.4330", "app already exist."},
        {errc::dis_partition_not_found,
         {"7"},
         service::dis,
         400,
         "DIS.4302",
         "Partition does not exist. [shardId-0000000007]"},
        {errc::dis_partition_expired,
         {"2"},
         service::dis,
         400,
         "DIS.4319",
         "Partition is expired. [shardId-0000000002]"},
        {errc::sequence_number_out_of_range,
         {"5280", "0", "617"},
         service::dis,
         400,
         "DIS.4224",
         "Sequence_number out of range. [5280][ should be within ][0][ ][617]"},
        {errc::dis_cursor_invalid,
         {"stream changed"},
         service::dis,
         400,
         "DIS.4217",
         "Invalid partition cursor. [stream changed]"},
        {errc::dis_position_expired,
         {"3", "5"},
         service::dis,
         400,
         "DIS.4226",
         "A partition iterator error occurred or a record to which the SN corresponds has expired. Try to "
         "obtain the partition iterator again."},
        {errc::dis_storage_full,
         {"1024"},
         service::dis,
         400,
         "DIS.4308",
         "Insufficient quota. [stored data limit of 1024 bytes reached]"},
        {errc::not_supported,
         {"6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"},
         service::gateway,
         501,
         "EMU.0501",
         "The Kafka cluster of instance 6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 is not held by the emulator: "
         "fixtures "
         "and state snapshots need an in-memory one."},
    };
    for (const auto& row : table) {
        const auto answer = to_api_error(state::error(row.code, row.details));
        SCOPED_TRACE(state::to_string(row.code));
        EXPECT_EQ(answer.format(), row.format);
        EXPECT_EQ(answer.status(), row.status);
        EXPECT_EQ(answer.code(), row.error_code);
        EXPECT_EQ(answer.message(), row.message);
    }
}

TEST(error_mapping, a_partition_error_without_an_index_still_maps) {
    const auto answer = to_api_error(state::error(state::errc::dis_partition_not_found));
    EXPECT_EQ(answer.code(), "DIS.4302");
    EXPECT_EQ(answer.message(), "Partition does not exist. []");
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
