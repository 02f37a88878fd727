#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

// The producers an instance's Kafka listeners have seen (ListTopicProducers): who produced to which
// partition, through which broker, and when. Bounded: an entry not seen for `expiry_ms` is forgotten, and
// past `capacity` entries the one seen longest ago makes room. Thread-safe; its mutex is a leaf (taken
// under no other lock of the store, and no other taken under it).
namespace emu::state {

struct producer_sighting {
    std::string topic;
    std::int32_t partition = 0;
    std::string address;           // the client's host:port, as the broker sees the connection
    std::string client_id;         // the Kafka request header's client_id (empty: null)
    std::int32_t broker_port = 0;  // the broker port the client connected to
};

struct producer_entry {
    producer_sighting seen;
    std::int64_t first_ms = 0;  // the first produce seen from this client to this partition
    std::int64_t last_ms = 0;   // the latest one
};

class producer_registry {
  public:
    static constexpr std::int64_t expiry_ms = 10 * 60 * 1000;
    static constexpr std::size_t capacity = 1024;

    // A successful produce at `now_ms`.
    void record(const producer_sighting& seen, std::int64_t now_ms);
    // The live entries for `topic`, by first sighting, then address, then partition.
    std::vector<producer_entry> of_topic(const std::string& topic, std::int64_t now_ms) const;
    std::size_t size() const;

  private:
    using key = std::tuple<std::string, std::int32_t, std::string>;  // topic, partition, address
    void forget_expired_locked(std::int64_t now_ms);

    mutable std::mutex mutex_;  // guards entries_
    std::map<key, producer_entry> entries_;
};

}  // namespace emu::state
