#include "kafka/error_mapping.hpp"

namespace emu::kafka {

protocol::error_code to_kafka_error(state::errc code) {
    using protocol::error_code;
    using state::errc;
    switch (code) {
        case errc::topic_not_found:
        case errc::partition_not_found:
            return error_code::unknown_topic_or_partition;
        case errc::topic_exists:
            return error_code::topic_already_exists;
        case errc::partition_quota_exceeded:
        case errc::partition_count_decrease:
            return error_code::invalid_partitions;
        case errc::replication_exceeds_brokers:
            return error_code::invalid_replication_factor;
        case errc::storage_full:
            return error_code::kafka_storage_error;
        case errc::instance_not_running:
            return error_code::leader_not_available;
        case errc::instance_not_found:
        case errc::instance_name_exists:
        case errc::group_not_found:
        case errc::group_exists:
        case errc::group_not_empty:
        case errc::stream_not_found:
        case errc::stream_exists:
        case errc::stream_not_running:
        case errc::stream_partition_quota_exceeded:
        case errc::app_not_found:
        case errc::app_exists:
        case errc::dis_partition_expired:
        case errc::sequence_number_out_of_range:
        case errc::dis_cursor_invalid:
        case errc::dis_position_expired:
        case errc::consumer_member_not_found:
        case errc::consumer_rebalance_in_progress:
        case errc::consumer_generation_stale:
        case errc::consumer_quota_exceeded:
        case errc::dis_resource_not_found:
        case errc::dis_tag_limit:
        case errc::dis_tag_key_not_found:
        case errc::transfer_task_not_found:
        case errc::transfer_task_exists:
        case errc::transfer_task_quota_exceeded:
        case errc::not_supported:
            return error_code::unknown_server_error;
    }
    return error_code::unknown_server_error;
}

}  // namespace emu::kafka
