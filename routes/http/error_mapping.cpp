#include "routes/http/error_mapping.hpp"

#include "state/dis/store.hpp"

namespace emu::routes {

namespace {

std::string number(const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : std::string();
}

std::string number(const std::optional<std::uint64_t>& value) {
    return value ? std::to_string(*value) : std::string();
}

// The partition index the store reported, in DIS's shardId form; an index outside the shardId range is
// passed on as the number, and a missing one as nothing, so mapping an error can never throw.
std::string shard_id(const state::error_facts& facts) {
    if (!facts.index || *facts.index < 0 || *facts.index > INT32_MAX) return number(facts.index);
    return state::dis_shard_id(static_cast<std::int32_t>(*facts.index));
}

}  // namespace

// No default: a new state::errc must be mapped here before the build passes -Werror (-Wswitch).
api_error to_api_error(const state::error& error, service route_service) {
    using state::errc;
    const auto& facts = error.facts();
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
        case errc::partition_quota_exceeded:
            return dms_error(400, "DMS.00400102",
                             "The number of partitions exceeds the partition quota of the instance (" +
                                 number(facts.limit) + ").");
        case errc::replication_exceeds_brokers:
            return dms_error("DMS.00400861");
        case errc::partition_count_decrease:
            return dms_error(400, "DMS.00400102",
                             "The number of partitions of topic " + facts.name + " can only be increased.");
        case errc::group_not_found:
            return dms_error("DMS.111400864");
        case errc::group_exists:
            return dms_error("DMS.10240018");
        case errc::group_not_empty:
            return dms_error(400, "DMS.00400800",
                             "The consumer group " + facts.name +
                                 " has active members. Stop its consumers and wait until they have left it.");
        case errc::stream_not_found:
            return dis_error("DIS.4301", {facts.name, facts.project_id});
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
        case errc::dis_partition_expired:
            return dis_error("DIS.4319", {shard_id(facts)});
        case errc::sequence_number_out_of_range:
            return dis_error("DIS.4224", {number(facts.requested), " should be within ", number(facts.low),
                                          " ", number(facts.high)});
        case errc::dis_cursor_invalid:
            if (facts.reason.empty()) return dis_error("DIS.4217");
            return dis_error("DIS.4217", {facts.reason});
        case errc::dis_position_expired:
            return dis_error("DIS.4226");
        case errc::dis_resource_not_found:
            return dis_error("DIS.4603");
        case errc::dis_tag_limit:
            return dis_error("DIS.4601");
        case errc::dis_tag_key_not_found:
            return dis_error("DIS.4604");
        case errc::transfer_task_not_found:
            return dis_error("DIS.4354");
        case errc::transfer_task_exists:
            return dis_error("DIS.4355");
        case errc::transfer_task_quota_exceeded:
            return dis_error("DIS.4357");
        case errc::consumer_member_not_found:
            return dis_error("DIS.4702", {facts.name + " is not a member of the group"});
        case errc::consumer_rebalance_in_progress:
            return dis_error("DIS.4701", {"join and sync the group again, then commit"});
        case errc::consumer_generation_stale:
            return dis_error("DIS.4703", {"generation " + number(facts.requested) + ", the group's is " +
                                          number(facts.high)});
        case errc::consumer_quota_exceeded:
            return dis_error("DIS.4339", {"a group has at most " + number(facts.limit) + " members"});
        // Facts both services report: in DIS's words on a DIS route, in DMS's on any other.
        case errc::partition_not_found:
            if (route_service == service::dis) return dis_error("DIS.4302", {shard_id(facts)});
            return dms_invalid_parameter("partition");
        case errc::storage_full:
            if (route_service == service::dis) {
                return dis_error("DIS.4308",
                                 {"stored data limit of " + number(facts.limit) + " bytes reached"});
            }
            return dms_error(
                400, "DMS.00400800",
                "The emulator's storage limit of " + number(facts.limit) +
                    " bytes (--max-stored-bytes) is reached. Delete messages or topics to free space.");
        case errc::not_supported:
            return gateway_error(
                501, "EMU.0501",
                "The Kafka cluster of instance " + facts.name +
                    " is not held by the emulator: fixtures and state snapshots need an in-memory one.");
    }
    return dms_error("DMS.00500000");
}

}  // namespace emu::routes
