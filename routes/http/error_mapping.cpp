#include "routes/http/error_mapping.hpp"

#include "routes/http/validation.hpp"
#include "state/dis/store.hpp"

namespace emu::routes {

namespace {

const std::string& detail(const state::error& error, std::size_t index) {
    static const std::string none;
    return index < error.details().size() ? error.details()[index] : none;
}

// The partition index the store reported, in DIS's shardId form; anything else is passed on as it is, so
// mapping an error can never throw.
std::string shard_detail(const state::error& error) {
    const auto index = parse_int64(detail(error, 0));
    if (!index || *index < 0 || *index > INT32_MAX) return detail(error, 0);
    return state::dis_shard_id(static_cast<std::int32_t>(*index));
}

}  // namespace

// No default: a new state::errc must be mapped here before the build passes -Werror (-Wswitch).
api_error to_api_error(const state::error& error) {
    using state::errc;
    switch (error.code()) {
        case errc::instance_not_found:
            return dms_error("DMS.00404022");
        case errc::instance_name_exists:
            return dms_error("DMS.00400060");
        case errc::instance_not_running:
            return dms_error("DMS.00400026");
        case errc::topic_not_found:
        case errc::topic_exists:
            return dms_error(400, "DMS.00400062", "Invalid topic in the request.");
        case errc::partition_not_found:
            return dms_invalid_parameter("partition");
        case errc::partition_quota_exceeded:
            return dms_error(400, "DMS.00400102",
                             "The number of partitions exceeds the partition quota of the instance (" +
                                 detail(error, 0) + ").");
        case errc::replication_exceeds_brokers:
            return dms_error("DMS.00400861");
        case errc::partition_count_decrease:
            return dms_error(
                400, "DMS.00400102",
                "The number of partitions of topic " + detail(error, 0) + " can only be increased.");
        case errc::group_not_found:
            return dms_error("DMS.111400864");
        case errc::group_exists:
            return dms_error("DMS.10240018");
        case errc::storage_full:
            return dms_error(
                400, "DMS.00400800",
                "The emulator's storage limit of " + detail(error, 0) +
                    " bytes (--max-stored-bytes) is reached. Delete messages or topics to free space.");
        case errc::stream_not_found:
            return dis_error("DIS.4301", error.details());
        case errc::stream_exists:
            return dis_error("DIS.4307");
        case errc::stream_not_running:
            return dis_error("DIS.4205");
        case errc::stream_partition_quota_exceeded:
            return dis_error("DIS.4308");
        case errc::app_not_found:
            return dis_error("DIS.4332");
        case errc::app_exists:
            return dis_error("DIS.4330");
        case errc::dis_partition_not_found:
            return dis_error("DIS.4302", {shard_detail(error)});
        case errc::dis_partition_expired:
            return dis_error("DIS.4319", {shard_detail(error)});
        case errc::sequence_number_out_of_range:
            return dis_error("DIS.4224", {detail(error, 0), " should be within ", detail(error, 1), " ",
                                          detail(error, 2)});
        case errc::dis_cursor_invalid:
            return dis_error("DIS.4217", error.details());
        case errc::dis_position_expired:
            return dis_error("DIS.4226");
        case errc::dis_storage_full:
            return dis_error("DIS.4308", {"stored data limit of " + detail(error, 0) + " bytes reached"});
        case errc::not_supported:
            return gateway_error(
                501, "EMU.0501",
                "The Kafka cluster of instance " + detail(error, 0) +
                    " is not held by the emulator: fixtures and state snapshots need an in-memory one.");
    }
    return dms_error("DMS.00500000");
}

}  // namespace emu::routes
