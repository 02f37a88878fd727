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
    api_entry{api_key::api_versions, 0, 3, 3, handlers::api_versions, error_answers::api_versions},
    api_entry{api_key::create_topics, 0, 4, 5, handlers::create_topics, error_answers::create_topics},
    api_entry{api_key::delete_topics, 0, 3, 4, handlers::delete_topics, error_answers::delete_topics},
    api_entry{api_key::delete_records, 0, 1, 2, handlers::delete_records, error_answers::delete_records},
    api_entry{api_key::describe_configs, 0, 2, 4, handlers::describe_configs,
              error_answers::describe_configs},
    api_entry{api_key::create_partitions, 0, 1, 2, handlers::create_partitions,
              error_answers::create_partitions},
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

}  // namespace emu::kafka
