#include "state/errors.hpp"

namespace emu::state {

const char* to_string(errc code) {
    switch (code) {
        case errc::instance_not_found:
            return "instance_not_found";
        case errc::instance_name_exists:
            return "instance_name_exists";
        case errc::instance_not_running:
            return "instance_not_running";
        case errc::topic_not_found:
            return "topic_not_found";
        case errc::topic_exists:
            return "topic_exists";
        case errc::partition_quota_exceeded:
            return "partition_quota_exceeded";
        case errc::replication_exceeds_brokers:
            return "replication_exceeds_brokers";
        case errc::partition_count_decrease:
            return "partition_count_decrease";
        case errc::group_not_found:
            return "group_not_found";
        case errc::group_exists:
            return "group_exists";
        case errc::group_not_empty:
            return "group_not_empty";
        case errc::stream_not_found:
            return "stream_not_found";
        case errc::stream_exists:
            return "stream_exists";
        case errc::stream_not_running:
            return "stream_not_running";
        case errc::stream_partition_quota_exceeded:
            return "stream_partition_quota_exceeded";
        case errc::app_not_found:
            return "app_not_found";
        case errc::app_exists:
            return "app_exists";
        case errc::dis_partition_expired:
            return "dis_partition_expired";
        case errc::sequence_number_out_of_range:
            return "sequence_number_out_of_range";
        case errc::dis_cursor_invalid:
            return "dis_cursor_invalid";
        case errc::dis_position_expired:
            return "dis_position_expired";
        case errc::consumer_member_not_found:
            return "consumer_member_not_found";
        case errc::consumer_rebalance_in_progress:
            return "consumer_rebalance_in_progress";
        case errc::consumer_generation_stale:
            return "consumer_generation_stale";
        case errc::consumer_quota_exceeded:
            return "consumer_quota_exceeded";
        case errc::dis_resource_not_found:
            return "dis_resource_not_found";
        case errc::dis_tag_limit:
            return "dis_tag_limit";
        case errc::dis_tag_key_not_found:
            return "dis_tag_key_not_found";
        case errc::transfer_task_not_found:
            return "transfer_task_not_found";
        case errc::transfer_task_exists:
            return "transfer_task_exists";
        case errc::transfer_task_quota_exceeded:
            return "transfer_task_quota_exceeded";
        case errc::partition_not_found:
            return "partition_not_found";
        case errc::storage_full:
            return "storage_full";
        case errc::not_supported:
            return "not_supported";
    }
    return "unknown";
}

namespace {

// "sequence_number_out_of_range (requested 4, low 0, high 3)": the code, then each fact that is set.
std::string describe(errc code, const error_facts& facts) {
    std::string out = to_string(code);
    const char* separator = " (";
    const auto add = [&](const char* field, const std::string& value) {
        out.append(separator).append(field).append(" ").append(value);
        separator = ", ";
    };
    const auto add_text = [&](const char* field, const std::string& value) {
        if (!value.empty()) add(field, value);
    };
    const auto add_number = [&](const char* field, const auto& value) {
        if (value) add(field, std::to_string(*value));
    };
    add_text("name", facts.name);
    add_text("project_id", facts.project_id);
    add_text("reason", facts.reason);
    add_number("index", facts.index);
    add_number("limit", facts.limit);
    add_number("requested", facts.requested);
    add_number("low", facts.low);
    add_number("high", facts.high);
    if (*separator == ',') out.push_back(')');
    return out;
}

}  // namespace

error::error(errc code, error_facts facts)
    : std::runtime_error(describe(code, facts)), code_(code), facts_(std::move(facts)) {}

}  // namespace emu::state
