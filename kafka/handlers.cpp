#include "kafka/handlers.hpp"

#include <algorithm>
#include <array>

#include "state/errors.hpp"

namespace emu::kafka {

namespace {

using protocol::api_key;

// Versions per kafka-wire.md §8: non-flexible, except ApiVersions v3, which librdkafka sends first. Produce
// and ListOffsets start at 0 because librdkafka gates compression and offsets-by-time on the range's low
// end; Produce below v3 (message format v0/v1) is refused in the handler, as Kafka 4.0 does.
constexpr std::array table{
    api_entry{api_key::produce, 0, 7, 9, handlers::produce, error_answers::produce},
    api_entry{api_key::fetch, 4, 11, 12, handlers::fetch, error_answers::fetch},
    api_entry{api_key::list_offsets, 0, 3, 6, handlers::list_offsets, error_answers::list_offsets},
    api_entry{api_key::metadata, 0, 6, 9, handlers::metadata, error_answers::metadata},
    api_entry{api_key::offset_commit, 0, 7, 8, handlers::offset_commit, error_answers::offset_commit},
    api_entry{api_key::offset_fetch, 0, 5, 6, handlers::offset_fetch, error_answers::offset_fetch},
    api_entry{api_key::find_coordinator, 0, 2, 3, handlers::find_coordinator,
              error_answers::find_coordinator},
    api_entry{api_key::join_group, 0, 5, 6, handlers::join_group, error_answers::join_group},
    api_entry{api_key::heartbeat, 0, 3, 4, handlers::heartbeat, error_answers::heartbeat},
    api_entry{api_key::leave_group, 0, 3, 4, handlers::leave_group, error_answers::leave_group},
    api_entry{api_key::sync_group, 0, 3, 4, handlers::sync_group, error_answers::sync_group},
    api_entry{api_key::describe_groups, 0, 4, 5, handlers::describe_groups, error_answers::describe_groups},
    api_entry{api_key::list_groups, 0, 2, 3, handlers::list_groups, error_answers::list_groups},
    api_entry{api_key::api_versions, 0, 3, 3, handlers::api_versions, error_answers::api_versions},
    api_entry{api_key::create_topics, 0, 4, 5, handlers::create_topics, error_answers::create_topics},
    api_entry{api_key::delete_topics, 0, 3, 4, handlers::delete_topics, error_answers::delete_topics},
    api_entry{api_key::delete_records, 0, 1, 2, handlers::delete_records, error_answers::delete_records},
    api_entry{api_key::describe_configs, 0, 2, 4, handlers::describe_configs,
              error_answers::describe_configs},
    api_entry{api_key::create_partitions, 0, 1, 2, handlers::create_partitions,
              error_answers::create_partitions},
    api_entry{api_key::delete_groups, 0, 1, 2, handlers::delete_groups, error_answers::delete_groups},
};

}  // namespace

std::span<const api_entry> api_table() {
    return table;
}

const api_entry* find_api(std::int16_t key) {
    const auto it = std::find_if(table.begin(), table.end(),
                                 [&](const api_entry& e) { return static_cast<std::int16_t>(e.key) == key; });
    return it == table.end() ? nullptr : &*it;
}

std::shared_ptr<state::kafka_cluster> request::cluster() const {
    return connection.store.cluster(connection.project_id, connection.instance_id);
}

state::instance_info request::instance() const {
    return connection.store.get_instance(connection.project_id, connection.instance_id);
}

void request::record_producer(const std::string& topic, std::int32_t partition) const {
    try {
        connection.store.producers(connection.project_id, connection.instance_id)
            ->record({topic, partition, connection.peer_address, header.client_id.value_or(std::string()),
                      connection.local_port},
                     connection.store.now_ms());
    } catch (const state::error&) {
        // The instance went away meanwhile: there is nobody to tell.
    }
}

std::string request::client_host() const {
    // "host:port" or "[v6]:port", as the session gives the peer.
    std::string host = connection.peer_address;
    const auto colon = host.rfind(':');
    if (colon != std::string::npos) host.resize(colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return "/" + host;
}

std::shared_ptr<deferred_answer> request::defer() const {
    auto answer = std::make_shared<deferred_answer>(header.correlation_id, flexible, deferred_done);
    if (deferred_slot != nullptr) *deferred_slot = answer;
    return answer;
}

deferred_answer::deferred_answer(std::int32_t correlation_id, bool flexible_header,
                                 std::function<void(const std::vector<std::int16_t>&)> done)
    : correlation_id_(correlation_id), flexible_header_(flexible_header), done_(std::move(done)) {}

void deferred_answer::complete(const body_writer& write) {
    {
        std::lock_guard lock(mutex_);
        if (completed_) return;
        completed_ = true;
    }
    std::string frame;
    protocol::start_response(frame, correlation_id_, flexible_header_);
    std::vector<std::int16_t> errors;
    {
        protocol::writer w(frame);
        w.note_errors(&errors);
        write(w);
    }
    protocol::finish_frame(frame);
    if (done_) done_(errors);
    std::function<void(std::string)> ready;
    {
        std::lock_guard lock(mutex_);
        if (!ready_) {
            frame_ = std::move(frame);
            return;
        }
        ready = std::move(ready_);
        ready_ = nullptr;
    }
    ready(std::move(frame));
}

void deferred_answer::on_ready(std::function<void(std::string frame)> ready) {
    std::string frame;
    {
        std::lock_guard lock(mutex_);
        if (!frame_) {
            ready_ = std::move(ready);
            return;
        }
        frame = std::move(*frame_);
        frame_.reset();
    }
    ready(std::move(frame));
}

}  // namespace emu::kafka
