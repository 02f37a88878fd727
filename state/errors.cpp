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
        case errc::partition_not_found:
            return "partition_not_found";
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
        case errc::storage_full:
            return "storage_full";
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
        case errc::dis_partition_not_found:
            return "dis_partition_not_found";
        case errc::dis_partition_expired:
            return "dis_partition_expired";
        case errc::sequence_number_out_of_range:
            return "sequence_number_out_of_range";
        case errc::dis_cursor_invalid:
            return "dis_cursor_invalid";
        case errc::dis_position_expired:
            return "dis_position_expired";
        case errc::dis_storage_full:
            return "dis_storage_full";
        case errc::not_supported:
            return "not_supported";
    }
    return "unknown";
}

error::error(errc code, std::vector<std::string> details)
    : std::runtime_error(to_string(code)), code_(code), details_(std::move(details)) {}

}  // namespace emu::state
