#include "state/kafka/memory_cluster.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string_view>

#include "kafka/protocol/consumer_protocol.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/kafka/batch_log.hpp"
#include "state/reclaimer.hpp"

namespace emu::state {

namespace {

constexpr std::int64_t ms_per_hour = 3'600'000;

namespace protocol = kafka::protocol;

// Messages as a record batch v2 with offsets from 0 (the log assigns the real ones), uncompressed. Header
// values are never null here: REST and fixtures have no null header.
std::string encode_messages(const std::vector<const kafka_message*>& messages) {
    std::vector<protocol::record> records;
    records.reserve(messages.size());
    for (const kafka_message* m : messages) {
        protocol::record r;
        r.offset = static_cast<std::int64_t>(records.size());
        r.timestamp = m->timestamp;
        r.key = m->key;
        r.value = m->value;
        for (const auto& [name, value] : m->headers) r.headers.push_back({name, value});
        records.push_back(std::move(r));
    }
    protocol::batch_header header;
    header.base_offset = 0;
    return protocol::encode_batch(header, records);
}

// A stored batch's records from offset `from` on, as messages. A null value or header value reads as
// empty (docs/kafka.md).
template <class F>
bool decode_batch(const batch_log::slot& s, std::string_view bytes, std::int64_t from, F&& f) {
    const auto records =
        protocol::decode_records({protocol::read_header(bytes), bytes}, batch_log::decode_limit);
    for (const auto& r : records) {
        if (r.offset < from) continue;
        kafka_message out;
        out.offset = r.offset;
        out.key = r.key;
        out.value = r.value.value_or(std::string());
        out.timestamp = r.timestamp;
        for (const auto& h : r.headers) out.headers.emplace_back(h.key, h.value.value_or(std::string()));
        out.appended_ms = s.appended_ms;
        if (!f(std::move(out))) return false;
    }
    return true;
}

// Calls f(kafka_message&&) for the retained messages of `log` from `from` on, until f returns false.
template <class F>
void for_each_message(const batch_log& log, std::int64_t from, F&& f) {
    from = std::max(from, log.start());
    log.scan(from, [&](const batch_log::slot& s, std::string_view bytes) {
        return decode_batch(s, bytes, from, f);
    });
}

struct partition_log {
    explicit partition_log(std::int64_t created_ms) : last_update_ms(created_ms) {}

    mutable std::mutex mutex;  // guards everything below
    batch_log batches;         // offsets [start_offset(), end_offset())
    std::int64_t last_update_ms = 0;
    storage_charge charge;  // the bytes of `batches`, against the store's budget

    // Caller holds `mutex`.
    std::int64_t start_offset() const { return batches.start(); }
    std::int64_t end_offset() const { return batches.end(); }

    // Caller holds `mutex`.
    partition_state snapshot(std::int32_t index) const {
        partition_state out;
        out.partition = index;
        out.start_offset = batches.start();
        out.end_offset = batches.end();
        out.last_update_ms = last_update_ms;
        out.first_timestamp = batches.first_timestamp();
        out.last_timestamp = batches.last_timestamp();
        out.retained_bytes = batches.stored_bytes();
        return out;
    }

    // Caller holds `mutex`. Reserves the batch's bytes and appends it; storage_full when they do not fit.
    std::int64_t append(const batch_log::incoming& batch, std::int64_t now, bool log_append_time,
                        const std::shared_ptr<storage_budget>& budget) {
        const std::uint64_t bytes = batch_log::cost(batch);
        if (!budget->try_reserve(bytes)) throw error(errc::storage_full, {.limit = budget->capacity()});
        std::int64_t base = 0;
        try {
            base = batches.append(batch, now, log_append_time);
        } catch (...) {
            budget->release(bytes);
            throw;
        }
        charge.adopt(budget, bytes);
        last_update_ms = now;
        return base;
    }

    // Caller holds `mutex`. Trimming is not a write: last_update_ms keeps the last append's time. The
    // dropped batches' memory goes with the result, which callers free (or hand to the reclaimer) after
    // unlocking; their bytes go back to the storage budget now.
    [[nodiscard]] batch_log::released trim_to(std::int64_t new_start) {
        auto dropped = batches.trim(new_start);
        charge.shrink_to(static_cast<std::uint64_t>(batches.stored_bytes()));
        return dropped;
    }

    // Caller holds `mutex`. Retention works like Kafka's: expired batches leave the log from its start,
    // which moves the log start offset. Done lazily, whenever the log is opened.
    [[nodiscard]] batch_log::released expire(std::int64_t now, std::int64_t retention_ms) {
        return trim_to(batches.first_appended_since(now - retention_ms));
    }

    // Caller holds `mutex`. The first offset whose message is at or after `timestamp`, else the end.
    std::int64_t offset_for_time(std::int64_t timestamp) const { return batches.first_at_time(timestamp); }
};

}  // namespace

struct memory_cluster::topic {
    topic(topic_spec s, std::int64_t now) : spec(std::move(s)), serial(next_topic_serial.fetch_add(1) + 1) {
        for (std::int32_t i = 0; i < spec.partition_count; ++i)
            logs.push_back(std::make_unique<partition_log>(now));
    }

    mutable std::shared_mutex mutex;  // guards spec and the logs vector (not the logs' content)
    topic_spec spec;
    std::vector<std::unique_ptr<partition_log>> logs;
    std::atomic<std::uint32_t> round_robin{0};
    // Tells a topic from an earlier one of the same name (log_extent::incarnation).
    const std::uint64_t serial;
    static inline std::atomic<std::uint64_t> next_topic_serial{0};

    partition_log* log(std::int32_t index) const {
        if (index < 0 || index >= static_cast<std::int32_t>(logs.size())) return nullptr;
        return logs[static_cast<std::size_t>(index)].get();
    }

    // A log locked for use, with retention applied. Members are destroyed in reverse order: the lock is
    // released first, then the expired records' memory is freed.
    struct opened {
        batch_log::released expired;
        std::unique_lock<std::mutex> lock;
    };

    // Caller holds `mutex` (shared at least). Locks one log, applying retention first.
    opened open(partition_log& target, std::int64_t now) const {
        std::unique_lock lock(target.mutex);
        auto expired = target.expire(now, std::int64_t{spec.retention_hours} * ms_per_hour);
        return opened{std::move(expired), std::move(lock)};
    }
};

memory_cluster::memory_cluster(clock_fn clock, std::shared_ptr<storage_budget> budget,
                               std::shared_ptr<reclaimer> freer, cluster_limits limits,
                               std::shared_ptr<timer_service> timers)
    : clock_(std::move(clock)),
      budget_(std::move(budget)),
      reclaimer_(std::move(freer)),
      limits_(limits),
      groups_(std::make_shared<group_coordinator>(clock_, std::move(timers))) {}

memory_cluster::~memory_cluster() = default;

std::shared_ptr<memory_cluster::topic> memory_cluster::find_topic_locked(const std::string& name) const {
    const auto it = topics_.find(name);
    if (it == topics_.end()) throw error(errc::topic_not_found, {.name = name});
    return it->second;
}

std::shared_ptr<memory_cluster::topic> memory_cluster::find_topic(const std::string& name) const {
    std::shared_lock lock(mutex_);
    return find_topic_locked(name);
}

std::int32_t memory_cluster::used_partitions_locked() const {
    std::int32_t used = 0;
    for (const auto& [name, t] : topics_) {
        std::shared_lock lock(t->mutex);
        used += t->spec.partition_count;
    }
    return used;
}

std::int32_t memory_cluster::used_partitions() const {
    std::shared_lock lock(mutex_);
    return used_partitions_locked();
}

// A group's coordinator: Kafka picks the leader of the group's __consumer_offsets partition; a stable hash
// over the brokers is as good here.
std::int32_t memory_cluster::coordinator(const std::string& group_id) const {
    return kafka_key_partition(group_id, limits_.brokers);
}

void memory_cluster::check_create_locked(const topic_spec& spec) const {
    if (topics_.contains(spec.name)) throw error(errc::topic_exists, {.name = spec.name});
    if (spec.replication > limits_.brokers) {
        throw error(errc::replication_exceeds_brokers, {.limit = limits_.brokers});
    }
    if (std::int64_t{used_partitions_locked()} + spec.partition_count > limits_.max_partitions) {
        throw error(errc::partition_quota_exceeded, {.limit = limits_.max_partitions});
    }
}

void memory_cluster::check_create_topic(const topic_spec& spec) const {
    std::shared_lock lock(mutex_);
    check_create_locked(spec);
}

topic_spec memory_cluster::create_topic(topic_spec spec) {
    if (!spec.created_at) spec.created_at = clock_();
    std::unique_lock lock(mutex_);
    check_create_locked(spec);
    topics_.emplace(spec.name, std::make_shared<topic>(spec, *spec.created_at));
    return spec;
}

std::vector<topic_spec> memory_cluster::list_topics() const {
    std::shared_lock lock(mutex_);
    std::vector<topic_spec> out;
    out.reserve(topics_.size());
    for (const auto& [name, t] : topics_) {
        std::shared_lock topic_lock(t->mutex);
        out.push_back(t->spec);
    }
    return out;
}

topic_spec memory_cluster::get_topic(const std::string& name) const {
    const auto t = find_topic(name);
    std::shared_lock lock(t->mutex);
    return t->spec;
}

std::vector<std::shared_ptr<memory_cluster::topic>> memory_cluster::check_updates_locked(
    const std::vector<topic_update>& updates) const {
    std::int64_t used = used_partitions_locked();
    std::vector<std::shared_ptr<topic>> targets;
    for (const auto& update : updates) {
        auto t = find_topic_locked(update.name);
        std::shared_lock topic_lock(t->mutex);
        if (update.partition_count) {
            if (*update.partition_count < t->spec.partition_count) {
                throw error(errc::partition_count_decrease, {.name = update.name});
            }
            used += *update.partition_count - t->spec.partition_count;
        }
        targets.push_back(std::move(t));
    }
    if (used > limits_.max_partitions) {
        throw error(errc::partition_quota_exceeded, {.limit = limits_.max_partitions});
    }
    return targets;
}

void memory_cluster::check_update_topics(const std::vector<topic_update>& updates) const {
    std::shared_lock lock(mutex_);
    check_updates_locked(updates);
}

void memory_cluster::update_topics(const std::vector<topic_update>& updates) {
    std::unique_lock lock(mutex_);
    // Check everything first, so that a refused batch changes nothing.
    const auto targets = check_updates_locked(updates);
    const std::int64_t now = clock_();
    for (std::size_t i = 0; i < updates.size(); ++i) {
        const auto& update = updates[i];
        auto& t = *targets[i];
        std::unique_lock topic_lock(t.mutex);
        if (update.retention_hours) t.spec.retention_hours = *update.retention_hours;
        if (update.sync_replication) t.spec.sync_replication = *update.sync_replication;
        if (update.sync_message_flush) t.spec.sync_message_flush = *update.sync_message_flush;
        if (update.description) t.spec.description = *update.description;
        for (const auto& config : update.other_configs) {
            auto& configs = t.spec.other_configs;
            const auto it = std::find_if(configs.begin(), configs.end(),
                                         [&](const topic_config& c) { return c.name == config.name; });
            if (it == configs.end()) {
                configs.push_back(config);
            } else {
                it->value = config.value;
            }
        }
        if (update.partition_count) {
            while (t.spec.partition_count < *update.partition_count) {
                t.logs.push_back(std::make_unique<partition_log>(now));
                ++t.spec.partition_count;
            }
        }
    }
}

std::vector<topic_deletion> memory_cluster::delete_topics(const std::vector<std::string>& names) {
    std::vector<topic_deletion> out;
    out.reserve(names.size());
    {
        std::unique_lock lock(mutex_);
        for (const auto& name : names) out.push_back({name, topics_.erase(name) > 0});
    }
    for (const auto& deletion : out) {
        if (deletion.deleted) groups_->forget_topic(deletion.name);
    }
    return out;
}

produce_result memory_cluster::produce(const produce_request& request) {
    produce_result out;
    {
        const auto t = find_topic(request.topic);
        std::shared_lock topic_lock(t->mutex);
        const auto count = static_cast<std::int32_t>(t->logs.size());
        std::int32_t index = 0;
        if (request.partition) {
            index = *request.partition;
        } else if (request.key) {
            index = kafka_key_partition(*request.key, count);
        } else {
            index =
                static_cast<std::int32_t>(t->round_robin.fetch_add(1) % static_cast<std::uint32_t>(count));
        }
        partition_log* log = t->log(index);
        if (log == nullptr) throw error(errc::partition_not_found, {.index = index});

        const std::int64_t now = clock_();
        kafka_message message;
        message.key = request.key;
        message.value = request.value;
        message.timestamp = now;
        message.headers = request.headers;
        const std::string batch = encode_messages({&message});
        const auto lock = t->open(*log, now);
        const std::int64_t offset = log->append({batch, now, now}, now, false, budget_);
        out = produce_result{index, offset, now};
    }
    wake_waiters();
    return out;
}

append_result memory_cluster::append(const std::string& topic_name, std::int32_t index,
                                     const producer_batch& batch, bool log_append_time) {
    append_result out;
    {
        const auto t = find_topic(topic_name);
        std::shared_lock topic_lock(t->mutex);
        partition_log* log = t->log(index);
        if (log == nullptr) throw error(errc::partition_not_found, {.index = index});
        const std::int64_t now = clock_();
        const auto lock = t->open(*log, now);
        out.base_offset = log->append({batch.bytes, batch.first_timestamp, batch.last_timestamp}, now,
                                      log_append_time, budget_);
        out.log_append_time = now;
        out.log_start_offset = log->start_offset();
    }
    wake_waiters();
    return out;
}

partition_read memory_cluster::read(const std::string& topic_name, std::int32_t index, std::int64_t offset,
                                    std::size_t max_bytes) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {.index = index});
    const auto lock = t->open(*log, clock_());
    partition_read out;
    out.state = log->snapshot(index);
    if (offset < log->start_offset()) return out;
    // The batches are not copied: the reader holds their chunks, which stay whole until it lets them go.
    log->batches.scan_shared(offset, [&](const batch_log::slot&, std::string_view bytes,
                                         const std::shared_ptr<const batch_log::chunk>& holder) {
        if (!out.records.empty() && out.records.size + bytes.size() > max_bytes) return false;
        out.records.append(bytes, holder);
        return out.records.size < max_bytes;
    });
    return out;
}

std::int64_t memory_cluster::offset_for_time(const std::string& topic_name, std::int32_t index,
                                             std::int64_t timestamp) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {.index = index});
    const auto lock = t->open(*log, clock_());
    return log->offset_for_time(timestamp);
}

std::uint64_t memory_cluster::wait_for_append(std::function<void()> wake) {
    std::lock_guard lock(waiters_mutex_);
    const std::uint64_t id = next_wait_++;
    waiters_.emplace(id, std::move(wake));
    return id;
}

void memory_cluster::cancel_wait(std::uint64_t id) {
    std::lock_guard lock(waiters_mutex_);
    waiters_.erase(id);
}

void memory_cluster::wake_waiters() {
    std::map<std::uint64_t, std::function<void()>> woken;
    {
        std::lock_guard lock(waiters_mutex_);
        if (waiters_.empty()) return;
        woken.swap(waiters_);
    }
    for (auto& [id, wake] : woken) wake();
}

std::vector<delete_records_result> memory_cluster::delete_records(
    const std::string& topic_name, const std::vector<delete_records_entry>& entries) {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);

    // Lock every distinct known partition in ascending order so concurrent batches cannot deadlock.
    std::vector<std::int32_t> order;
    for (const auto& entry : entries) {
        if (t->log(entry.partition) != nullptr) order.push_back(entry.partition);
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    batch_log::released trimmed;  // handed to the reclaimer once every lock is released
    std::vector<delete_records_result> results;
    results.reserve(entries.size());
    {
        std::vector<topic::opened> locks;
        locks.reserve(order.size());
        const std::int64_t now = clock_();
        for (const auto index : order) locks.push_back(t->open(*t->log(index), now));

        for (const auto& entry : entries) {
            partition_log* log = t->log(entry.partition);
            if (log == nullptr) {
                results.push_back({entry.partition, delete_records_status::unknown_partition, -1});
                continue;
            }
            const std::int64_t target = entry.offset == delete_to_end ? log->end_offset() : entry.offset;
            if (target < 0 || target > log->end_offset()) {
                results.push_back(
                    {entry.partition, delete_records_status::offset_out_of_range, log->start_offset()});
                continue;
            }
            for (auto& chunk : log->trim_to(target)) trimmed.push_back(std::move(chunk));
            results.push_back({entry.partition, delete_records_status::success, log->start_offset()});
        }
    }
    reclaimer_->discard(std::move(trimmed));
    return results;
}

std::vector<partition_state> memory_cluster::partitions(const std::string& topic_name) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    std::vector<partition_state> out;
    out.reserve(t->logs.size());
    const std::int64_t now = clock_();
    for (std::size_t i = 0; i < t->logs.size(); ++i) {
        const auto lock = t->open(*t->logs[i], now);
        out.push_back(t->logs[i]->snapshot(static_cast<std::int32_t>(i)));
    }
    return out;
}

partition_state memory_cluster::partition(const std::string& topic_name, std::int32_t index) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {.index = index});
    const auto lock = t->open(*log, clock_());
    return log->snapshot(index);
}

std::optional<kafka_message> memory_cluster::message_at(const std::string& topic_name, std::int32_t index,
                                                        std::int64_t offset) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {.index = index});
    const auto lock = t->open(*log, clock_());
    if (offset < log->start_offset() || offset >= log->end_offset()) return std::nullopt;
    std::optional<kafka_message> out;
    for_each_message(log->batches, offset, [&](kafka_message&& m) {
        if (m.offset == offset) out = std::move(m);
        return false;
    });
    return out;
}

std::vector<stored_message> memory_cluster::messages(const std::string& topic_name,
                                                     const message_filter& filter) const {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    std::int32_t first = 0;
    auto last = static_cast<std::int32_t>(t->logs.size());
    if (filter.partition) {
        if (t->log(*filter.partition) == nullptr) {
            throw error(errc::partition_not_found, {.index = *filter.partition});
        }
        first = *filter.partition;
        last = first + 1;
    }
    const std::int64_t now = clock_();
    std::vector<stored_message> out;
    for (auto index = first; index < last; ++index) {
        partition_log& log = *t->log(index);
        const auto lock = t->open(log, now);
        for_each_message(log.batches, log.start_offset(), [&](kafka_message&& m) {
            const bool wanted = (!filter.start_ms || m.timestamp >= *filter.start_ms) &&
                                (!filter.end_ms || m.timestamp <= *filter.end_ms);
            if (wanted) out.push_back({index, std::move(m)});
            return true;
        });
    }
    return out;
}

void memory_cluster::load_partition(const std::string& topic_name, partition_content content) {
    const auto t = find_topic(topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(content.partition);
    if (log == nullptr) throw error(errc::partition_not_found, {.index = content.partition});
    const std::int64_t now = clock_();
    // One batch per message, as REST sends them: an export carries messages, not batches, and a partition
    // produced through REST comes back the same size.
    std::vector<kafka_message> messages = content.messages;
    struct pending {
        std::string bytes;
        std::int64_t timestamp = 0;
        std::int64_t appended_ms = 0;
    };
    std::vector<pending> batches;
    batches.reserve(messages.size());
    std::uint64_t bytes = 0;
    for (auto& message : messages) {
        if (message.timestamp == 0) message.timestamp = now;
        if (message.appended_ms == 0) message.appended_ms = now;
        batches.push_back({encode_messages({&message}), message.timestamp, message.appended_ms});
        bytes += batches.back().bytes.size();
    }
    batch_log::released previous;  // freed after the lock below is released
    std::lock_guard lock(log->mutex);
    if (!budget_->try_reserve(bytes)) throw error(errc::storage_full, {.limit = budget_->capacity()});
    previous = log->batches.clear(content.log_start_offset);
    log->charge.release_all();
    log->charge.adopt(budget_, bytes);
    for (const auto& batch : batches) {
        log->batches.append({batch.bytes, batch.timestamp, batch.timestamp}, batch.appended_ms, false);
    }
    for (const auto& message : messages)
        log->last_update_ms = std::max(log->last_update_ms, message.timestamp);
    if (content.last_update_ms) log->last_update_ms = *content.last_update_ms;
}

// Consumer groups: the coordinator keeps them; the logs give their lag.

group_info memory_cluster::info_of(const kafka_group_view& view) const {
    group_info out{view.group_id,
                   view.description,
                   view.created_at,
                   coordinator(view.group_id),
                   0,
                   view.state,
                   view.protocol,
                   {}};
    for (const auto& row : offset_rows(groups_->committed(view.group_id))) out.lag += row.lag;
    for (const auto& m : view.members) {
        auto& member =
            out.members.emplace_back(group_member_info{m.member_id, m.client_id, m.client_host, {}});
        if (view.protocol_type != "consumer") continue;
        if (const auto decoded = kafka::protocol::decode_consumer_assignment(m.assignment)) {
            for (const auto& t : *decoded) member.assignment.push_back({t.topic, t.partitions});
        }
    }
    return out;
}

group_info memory_cluster::create_group(const std::string& name, std::optional<std::string> description) {
    return info_of(groups_->create(name, std::move(description)));
}

// The logs around committed offsets; offsets of partitions the cluster no longer has are left out.
std::vector<group_partition_offset> memory_cluster::offset_rows(
    const std::vector<committed_entry>& committed) const {
    const std::int64_t now = clock_();
    std::vector<group_partition_offset> out;
    std::shared_lock lock(mutex_);
    for (const auto& entry : committed) {
        const auto found = topics_.find(entry.topic);
        if (found == topics_.end()) continue;
        const auto& t = found->second;
        std::shared_lock topic_lock(t->mutex);
        partition_log* log = t->log(entry.partition);
        if (log == nullptr) continue;
        const auto log_lock = t->open(*log, now);
        out.push_back(group_partition_offset{entry.topic, entry.partition, entry.offset, log->start_offset(),
                                             log->end_offset(), log->end_offset() - entry.offset});
    }
    return out;
}

std::vector<group_partition_offset> memory_cluster::group_offsets(const std::string& name) const {
    if (!groups_->contains(name)) throw error(errc::group_not_found, {.name = name});
    return offset_rows(groups_->committed(name));
}

std::vector<group_info> memory_cluster::list_groups() const {
    std::vector<group_info> out;
    for (const auto& view : groups_->list()) out.push_back(info_of(view));
    return out;
}

group_info memory_cluster::get_group(const std::string& name) const {
    const auto view = groups_->describe(name);
    if (!view) throw error(errc::group_not_found, {.name = name});
    return info_of(*view);
}

void memory_cluster::update_group(const std::string& name, std::optional<std::string> description) {
    groups_->describe_as(name, std::move(description));
}

void memory_cluster::delete_group(const std::string& name) {
    groups_->erase(name);
}

std::vector<std::string> memory_cluster::subscribed_groups(const std::string& topic_name) const {
    find_topic(topic_name);
    return groups_->committed_on(topic_name);
}

void memory_cluster::commit_offset(const std::string& name, const std::string& topic_name,
                                   std::int32_t partition, std::int64_t offset) {
    if (!groups_->contains(name)) throw error(errc::group_not_found, {.name = name});
    {
        const auto t = find_topic(topic_name);
        std::shared_lock topic_lock(t->mutex);
        if (t->log(partition) == nullptr) throw error(errc::partition_not_found, {.index = partition});
    }
    if (groups_->commit(name, {}, -1, {{topic_name, partition, offset, std::nullopt}}) != kafka_error::none)
        throw error(errc::group_not_empty, {.name = name});
}

void memory_cluster::reset_offsets(const std::string& name, const std::string& topic_name,
                                   std::int32_t partition, const reset_target& target) {
    const std::int64_t now = clock_();
    groups_->require_empty(name);
    const auto committed = groups_->committed(name);
    const auto has_committed = [&](const std::string& topic_of_group, std::int32_t index) {
        return std::any_of(committed.begin(), committed.end(), [&](const committed_entry& e) {
            return e.topic == topic_of_group && e.partition == index;
        });
    };

    // The topics concerned: the one named, or every topic the group has offsets on.
    std::vector<std::string> topics;
    if (topic_name.empty()) {
        for (const auto& entry : committed) {
            if (topics.empty() || topics.back() != entry.topic) topics.push_back(entry.topic);
        }
    } else {
        topics.push_back(topic_name);
    }
    std::vector<committed_offset> moved;
    {
        std::shared_lock lock(mutex_);
        // Check before changing anything.
        std::vector<std::pair<std::shared_ptr<topic>, std::vector<std::int32_t>>> plan;
        for (const auto& topic_of_group : topics) {
            auto t = find_topic_locked(topic_of_group);
            std::shared_lock topic_lock(t->mutex);
            std::vector<std::int32_t> chosen;
            if (partition == all_partitions) {
                for (std::int32_t i = 0; i < static_cast<std::int32_t>(t->logs.size()); ++i) {
                    // "All topics of the group" means the partitions it has committed; a named topic, all
                    // of them.
                    if (topic_name.empty() && !has_committed(topic_of_group, i)) continue;
                    chosen.push_back(i);
                }
            } else if (t->log(partition) != nullptr) {
                chosen.push_back(partition);
            } else if (!topic_name.empty()) {
                throw error(errc::partition_not_found, {.index = partition});
            }
            plan.emplace_back(std::move(t), std::move(chosen));
        }
        for (const auto& [t, chosen] : plan) {
            std::shared_lock topic_lock(t->mutex);
            for (const auto index : chosen) {
                partition_log& log = *t->log(index);
                const auto log_lock = t->open(log, now);
                std::int64_t offset =
                    target.offset ? *target.offset : log.offset_for_time(target.timestamp.value_or(0));
                offset = std::clamp(offset, log.start_offset(), log.end_offset());
                moved.push_back(committed_offset{t->spec.name, index, offset});
            }
        }
    }
    groups_->set_offsets(name, moved);
}

void memory_cluster::restore_group(const group_snapshot& snapshot) {
    {
        std::shared_lock lock(mutex_);
        for (const auto& committed : snapshot.offsets) {
            const auto t = find_topic_locked(committed.topic);
            std::shared_lock topic_lock(t->mutex);
            if (t->log(committed.partition) == nullptr) {
                throw error(errc::partition_not_found, {.index = committed.partition});
            }
        }
    }
    groups_->restore(snapshot);
}

void memory_cluster::join_group(join_group_request request, std::function<void(join_group_result)> reply) {
    groups_->join(std::move(request), std::move(reply));
}

void memory_cluster::sync_group(sync_group_request request, std::function<void(sync_group_result)> reply) {
    groups_->sync(std::move(request), std::move(reply));
}

kafka_error memory_cluster::heartbeat(const std::string& group, const std::string& member_id,
                                      std::int32_t generation) {
    return groups_->heartbeat(group, member_id, generation);
}

std::vector<kafka_error> memory_cluster::leave_group(const std::string& group,
                                                     const std::vector<std::string>& member_ids) {
    return groups_->leave(group, member_ids);
}

std::vector<kafka_error> memory_cluster::commit_offsets(const std::string& group,
                                                        const std::string& member_id, std::int32_t generation,
                                                        const std::vector<offset_commit_entry>& entries) {
    std::vector<kafka_error> out(entries.size(), kafka_error::none);
    std::vector<offset_commit_entry> known;
    {
        std::shared_lock lock(mutex_);
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto found = topics_.find(entries[i].topic);
            bool exists = false;
            if (found != topics_.end()) {
                std::shared_lock topic_lock(found->second->mutex);
                exists = found->second->log(entries[i].partition) != nullptr;
            }
            if (exists) {
                known.push_back(entries[i]);
            } else {
                out[i] = kafka_error::unknown_topic_or_partition;
            }
        }
    }
    const auto answer = groups_->commit(group, member_id, generation, known);
    for (auto& e : out) {
        if (e == kafka_error::none) e = answer;
    }
    return out;
}

std::vector<committed_entry> memory_cluster::committed_offsets(const std::string& group) const {
    return groups_->committed(group);
}

std::optional<kafka_group_view> memory_cluster::describe_group(const std::string& group) const {
    return groups_->describe(group);
}

std::vector<kafka_group_view> memory_cluster::group_views() const {
    return groups_->list();
}

kafka_error memory_cluster::remove_group(const std::string& group) {
    return groups_->remove(group);
}

std::uint64_t memory_cluster::group_rebalances() const {
    return groups_->rebalances();
}

std::size_t memory_cluster::group_members() const {
    return groups_->members();
}

// Control plane: counts and snapshots.

kafka_counts memory_cluster::counts() const {
    const std::int64_t now = clock_();
    std::shared_lock lock(mutex_);
    kafka_counts out;
    out.topics = static_cast<std::int64_t>(topics_.size());
    for (const auto& [name, t] : topics_) {
        std::shared_lock topic_lock(t->mutex);
        for (const auto& log : t->logs) {
            const auto log_lock = t->open(*log, now);
            out.messages += log->batches.size();
        }
    }
    out.group_members = static_cast<std::int64_t>(groups_->members());
    out.rebalances = static_cast<std::int64_t>(groups_->rebalances());
    return out;
}

std::vector<topic_snapshot> memory_cluster::snapshot_topics(bool with_messages) const {
    const std::int64_t now = clock_();
    std::shared_lock lock(mutex_);
    std::vector<topic_snapshot> out;
    out.reserve(topics_.size());
    for (const auto& [name, t] : topics_) {
        std::shared_lock topic_lock(t->mutex);
        auto& copy = out.emplace_back(topic_snapshot{t->spec, {}});
        for (std::int32_t i = 0; i < static_cast<std::int32_t>(t->logs.size()); ++i) {
            partition_log& log = *t->log(i);
            const auto log_lock = t->open(log, now);
            const auto state = log.snapshot(i);
            auto& partition_copy = copy.partitions.emplace_back(
                partition_snapshot{i, state.start_offset, state.last_update_ms, {}});
            if (!with_messages) continue;
            partition_copy.messages.reserve(static_cast<std::size_t>(log.batches.size()));
            for_each_message(log.batches, log.start_offset(), [&partition_copy](kafka_message&& m) {
                partition_copy.messages.push_back(std::move(m));
                return true;
            });
        }
    }
    return out;
}

void memory_cluster::log_extents(const std::vector<std::string>& prefix, std::vector<log_extent>& out,
                                 const log_filter* changed) const {
    std::shared_lock lock(mutex_);
    for (const auto& named : topics_) {
        const std::string& name = named.first;
        const std::shared_ptr<topic> t = named.second;  // a variable the closures below can capture
        std::shared_lock topic_lock(t->mutex);
        for (std::int32_t i = 0; i < static_cast<std::int32_t>(t->logs.size()); ++i) {
            std::int64_t first = 0;
            std::int64_t end_offset = 0;
            {
                std::lock_guard log_lock(t->log(i)->mutex);
                first = t->log(i)->start_offset();
                end_offset = t->log(i)->end_offset();
            }
            if (changed != nullptr && !(*changed)(t->serial, i, first, end_offset)) continue;
            log_extent& e = out.emplace_back();
            e.name = prefix;
            e.name.push_back(name);
            e.name.push_back(std::to_string(i));
            e.incarnation = t->serial;
            e.partition = i;
            e.start = first;
            e.end = end_offset;
            // The topic is held, so its logs outlive the closures (a partition count only grows).
            e.read = [t, i](std::int64_t from, const std::function<void(const stored_entry&)>& sink) {
                std::shared_lock held(t->mutex);
                partition_log& log = *t->log(i);
                std::lock_guard log_lock(log.mutex);
                std::string entry;
                log.batches.scan(from, [&](const batch_log::slot& s, std::string_view bytes) {
                    entry.clear();
                    put_i64(entry, s.appended_ms);
                    put_i64(entry, s.first_timestamp);
                    put_i64(entry, s.last_timestamp);
                    entry.append(bytes);
                    sink(stored_entry{s.base_offset, s.end() - 1, entry, {}});
                    return true;
                });
                return log_extent::bounds{log.start_offset(), log.end_offset()};
            };
            e.restore = [t, i, budget = budget_](std::int64_t start,
                                                 const std::vector<stored_entry>& entries) {
                std::shared_lock held(t->mutex);
                partition_log& log = *t->log(i);
                constexpr std::size_t header = 3 * sizeof(std::int64_t);
                std::uint64_t bytes = 0;
                for (std::size_t k = 0; k < entries.size(); ++k) {
                    if (entries[k].bytes.size() < header + 61)
                        throw std::invalid_argument("an entry too short for a record batch");
                    if (k > 0 && entries[k].first != entries[k - 1].last + 1)
                        throw std::invalid_argument("entries that are not contiguous");
                    bytes += entries[k].bytes.size() - header;
                }
                batch_log::released previous;  // freed after the lock below is released
                std::lock_guard log_lock(log.mutex);
                if (!budget->try_reserve(bytes)) throw std::length_error("the storage cap is reached");
                previous = log.batches.clear(
                    entries.empty() || entries.back().last < start ? start : entries.front().first);
                log.charge.release_all();
                log.charge.adopt(budget, bytes);
                if (entries.empty() || entries.back().last < start) return;
                for (const auto& entry : entries) {
                    const std::string_view batch = entry.bytes.substr(header);
                    const std::int64_t appended = get_i64(entry.bytes, 0);
                    const batch_log::incoming in{batch, get_i64(entry.bytes, 8), get_i64(entry.bytes, 16)};
                    const std::int64_t base = entry.keeper
                                                  ? log.batches.append_kept(in, appended, entry.keeper)
                                                  : log.batches.append(in, appended, false);
                    if (log.batches.end() != entry.last + 1 || base != entry.first)
                        throw std::invalid_argument("an entry whose batch holds other offsets");
                    log.last_update_ms = std::max(log.last_update_ms, appended);
                }
                auto dropped = log.trim_to(start);
            };
        }
    }
}

std::vector<group_snapshot> memory_cluster::snapshot_groups() const {
    return groups_->snapshot();
}

}  // namespace emu::state
