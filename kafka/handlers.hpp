#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/observer.hpp"
#include "kafka/protocol/api_keys.hpp"
#include "kafka/protocol/codec.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "kafka/protocol/header.hpp"
#include "state/kafka/instances.hpp"

// The Kafka APIs the listener serves, as one table that drives both the ApiVersions answer and dispatch
// (kafka-wire.md §8). Each handler reads its request body and writes its response body; the dispatcher
// frames both.
namespace emu::kafka {

// What a connection serves: one DMS instance of the registry. The instance is looked up on every request,
// so a state replaced under a listener (PUT /_emulator/state) is served from then on.
struct connection_context {
    state::kafka_store& store;
    std::string project_id;
    std::string instance_id;
    // What a Produce's records may decompress to, per batch (the listener's --kafka-max-request-bytes).
    std::size_t max_decompressed = 100 * 1024 * 1024;
    // Counts what is served and may inject faults (kafka/observer.hpp); none: nothing watches.
    std::shared_ptr<request_observer> observer;
    // The connection's two ends, set by the session: the client's host:port and the broker port it reached
    // (what ListTopicProducers shows). Empty and 0 outside a session.
    std::string peer_address{};
    std::int32_t local_port = 0;
    // Fetch answers send the stored batches from where they lie (outcome::splices) instead of copying them
    // into the frame: the session sets it, as it writes them from there. Off: every answer is whole.
    bool splice_stored = false;
};

// The answer to a request that waits for others (a JoinGroup for the rest of its group, a SyncGroup for
// the leader's assignment): the handler gives it to whoever will answer and returns deferred. complete()
// is called once, from any thread, with what writes the response body; the session then sends the frame.
class deferred_answer {
  public:
    using body_writer = std::function<void(protocol::writer&)>;
    // `done` is told the error codes the body carried (the observer's count).
    deferred_answer(std::int32_t correlation_id, bool flexible_header,
                    std::function<void(const std::vector<std::int16_t>&)> done);
    void complete(const body_writer& write);
    // The session's side: `ready` gets the frame once, at once when it is there already.
    void on_ready(std::function<void(std::string frame)> ready);

  private:
    std::int32_t correlation_id_;
    bool flexible_header_;
    std::function<void(const std::vector<std::int16_t>&)> done_;
    std::mutex mutex_;  // guards completed_, frame_ and ready_
    bool completed_ = false;
    std::optional<std::string> frame_;
    std::function<void(std::string)> ready_;
};

struct request {
    const connection_context& connection;
    const protocol::request_header& header;
    bool flexible = false;
    // False while a Fetch may still wait for more data (its long-poll); true on the attempt that must answer.
    bool final_attempt = true;

    std::int16_t version() const { return header.api_version; }
    std::shared_ptr<state::kafka_cluster> cluster() const;
    state::instance_info instance() const;
    // A produce to `partition` of `topic` succeeded: the instance's producer registry notes who sent it.
    void record_producer(const std::string& topic, std::int32_t partition) const;
    // The client's host as Kafka's group views give it ("/127.0.0.1").
    std::string client_host() const;
    // The answer to complete later; the handler then returns handler_result{.deferred = true}.
    std::shared_ptr<deferred_answer> defer() const;

    // Set by dispatch: where defer() leaves the answer, and how it reports it.
    std::shared_ptr<deferred_answer>* deferred_slot = nullptr;
    std::function<void(const std::vector<std::int16_t>&)> deferred_done{};
    // The error message an error answer gives where its version has one (a fault rule's, or why a change
    // could not be kept).
    std::string_view error_message = "Injected by a fault rule of the emulator.";
};

// What a handler wants beside its body.
struct handler_result {
    bool respond = true;  // false: no response at all (Produce with acks 0)
    bool close = false;   // close the connection after the response, if any (acks 0 and a failed write)
    // Set by a Fetch that has less than it asked for: the session waits up to this long for an append
    // (or the deadline), then calls the handler again; the body written is discarded.
    std::optional<std::chrono::milliseconds> wait;
    // The answer comes later, through the deferred_answer the handler took with request::defer().
    bool deferred = false;
};

using handler_fn = handler_result (*)(const request&, protocol::reader& body, protocol::writer& out);
// Reads the request body as the handler does and writes a well-formed response of the API that carries
// `error` in every error field it has (per partition, per topic or resource, top level), changing no
// state: what a fault rule's Kafka error answers.
using error_answer_fn = handler_result (*)(const request&, protocol::reader& body, protocol::writer& out,
                                           protocol::error_code error);

struct api_entry {
    protocol::api_key key;
    std::int16_t min_version;
    std::int16_t max_version;
    std::int16_t first_flexible;
    handler_fn handler;
    error_answer_fn error_answer;
};

// Sorted by API key.
std::span<const api_entry> api_table();
const api_entry* find_api(std::int16_t key);

namespace handlers {
handler_result api_versions(const request&, protocol::reader&, protocol::writer&);
handler_result metadata(const request&, protocol::reader&, protocol::writer&);
handler_result produce(const request&, protocol::reader&, protocol::writer&);
handler_result fetch(const request&, protocol::reader&, protocol::writer&);
handler_result list_offsets(const request&, protocol::reader&, protocol::writer&);
handler_result create_topics(const request&, protocol::reader&, protocol::writer&);
handler_result delete_topics(const request&, protocol::reader&, protocol::writer&);
handler_result delete_records(const request&, protocol::reader&, protocol::writer&);
handler_result describe_configs(const request&, protocol::reader&, protocol::writer&);
handler_result create_partitions(const request&, protocol::reader&, protocol::writer&);
handler_result find_coordinator(const request&, protocol::reader&, protocol::writer&);
handler_result join_group(const request&, protocol::reader&, protocol::writer&);
handler_result sync_group(const request&, protocol::reader&, protocol::writer&);
handler_result heartbeat(const request&, protocol::reader&, protocol::writer&);
handler_result leave_group(const request&, protocol::reader&, protocol::writer&);
handler_result offset_commit(const request&, protocol::reader&, protocol::writer&);
handler_result offset_fetch(const request&, protocol::reader&, protocol::writer&);
handler_result list_groups(const request&, protocol::reader&, protocol::writer&);
handler_result describe_groups(const request&, protocol::reader&, protocol::writer&);
handler_result delete_groups(const request&, protocol::reader&, protocol::writer&);
}  // namespace handlers

// The table's error_answer functions, each beside its API's handler: both read the request with the same
// function and write the response with the same one.
namespace error_answers {
using protocol::error_code;
handler_result api_versions(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result metadata(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result produce(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result fetch(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result list_offsets(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result create_topics(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result delete_topics(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result delete_records(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result describe_configs(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result create_partitions(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result find_coordinator(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result join_group(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result sync_group(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result heartbeat(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result leave_group(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result offset_commit(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result offset_fetch(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result list_groups(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result describe_groups(const request&, protocol::reader&, protocol::writer&, error_code);
handler_result delete_groups(const request&, protocol::reader&, protocol::writer&, error_code);
}  // namespace error_answers

}  // namespace emu::kafka
