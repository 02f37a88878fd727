#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace emu::state {

// Every domain failure the stores can report. routes/error_mapping.cpp maps each one to the
// service's own error answer in a single exhaustive switch.
enum class errc {
    // DMS for Kafka
    instance_not_found,
    instance_name_exists,
    instance_not_running,
    topic_not_found,
    topic_exists,
    partition_not_found,
    partition_quota_exceeded,
    replication_exceeds_brokers,
    partition_count_decrease,
    group_not_found,
    group_exists,
    storage_full,  // --max-stored-bytes reached; detail: the cap
    // DIS
    stream_not_found,
    stream_exists,
    stream_not_running,
    stream_partition_quota_exceeded,
    app_not_found,
    app_exists,
    dis_partition_not_found,
    dis_partition_expired,
    sequence_number_out_of_range,
    dis_cursor_invalid,
    dis_position_expired,
    dis_storage_full,  // --max-stored-bytes reached; detail: the cap
    // Either service
    not_supported,  // only the in-memory Kafka cluster can do this (fixtures, snapshots); detail: the
                    // instance
};

const char* to_string(errc code);

// Thrown by the stores where the fact is known. `details` are the values the client-facing message
// mentions (a stream name, a requested sequence number and its bounds, ...), in message order.
class error : public std::runtime_error {
  public:
    error(errc code, std::vector<std::string> details = {});

    errc code() const noexcept { return code_; }
    const std::vector<std::string>& details() const noexcept { return details_; }

  private:
    errc code_;
    std::vector<std::string> details_;
};

}  // namespace emu::state
