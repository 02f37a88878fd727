#include "state/kafka.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <string_view>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/ids.hpp"
#include "state/reclaimer.hpp"
#include "state/record_log.hpp"

namespace emu::state {

namespace {

constexpr std::int32_t partitions_per_broker = 100;

constexpr std::int64_t ms_per_hour = 3'600'000;

// Statuses in which an instance is being changed and so cannot be deleted (DMS.00400026).
constexpr std::array busy_statuses{std::string_view{"CREATING"}, std::string_view{"STARTING"},
                                   std::string_view{"RESTARTING"}, std::string_view{"EXTENDING"},
                                   std::string_view{"UPGRADING"}, std::string_view{"ROLLINGBACK"},
                                   std::string_view{"FREEZING"}, std::string_view{"DELETING"}};

// Kafka headers travel in a record's `extra` bytes: per header, a 4-byte length and the name, then a 4-byte
// length and the value.
void append_sized(std::string& out, std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
    out.append(text);
}

std::string_view take_sized(std::string_view& in) {
    std::uint32_t size = 0;
    for (std::size_t i = 0; i < 4; ++i) size |= std::uint32_t{static_cast<unsigned char>(in[i])} << (8 * i);
    const std::string_view text = in.substr(4, size);
    in.remove_prefix(4 + std::size_t{size});
    return text;
}

std::string encode_headers(const kafka_headers& headers) {
    std::string out;
    for (const auto& [name, value] : headers) {
        append_sized(out, name);
        append_sized(out, value);
    }
    return out;
}

kafka_headers decode_headers(std::string_view in) {
    kafka_headers out;
    while (!in.empty()) {
        const auto name = take_sized(in);
        const auto value = take_sized(in);
        out.emplace_back(name, value);
    }
    return out;
}

kafka_message to_message(const log_entry& entry) {
    kafka_message out;
    out.offset = entry.number;
    if (entry.key) out.key.emplace(*entry.key);
    out.value.assign(entry.value);
    out.timestamp = entry.timestamp;
    out.headers = decode_headers(entry.extra);
    out.appended_ms = entry.appended_ms;
    return out;
}

struct partition_log {
    explicit partition_log(std::int64_t created_ms) : last_update_ms(created_ms) {}

    mutable std::mutex mutex;  // guards everything below
    record_log records;        // offsets [start_offset(), end_offset())
    std::int64_t last_update_ms = 0;
    storage_charge charge;  // the bytes of `records`, against the store's budget

    // Caller holds `mutex`.
    std::int64_t start_offset() const { return records.start(); }
    std::int64_t end_offset() const { return records.end(); }

    // Caller holds `mutex`.
    partition_state snapshot(std::int32_t index) const {
        partition_state out;
        out.partition = index;
        out.start_offset = records.start();
        out.end_offset = records.end();
        out.last_update_ms = last_update_ms;
        if (!records.empty()) {
            out.first_timestamp = records.front().timestamp;
            out.last_timestamp = records.back().timestamp;
        }
        out.retained_bytes = records.payload_bytes();
        return out;
    }

    // Caller holds `mutex`. Trimming is not a write: last_update_ms keeps the last append's time. The
    // dropped records' memory goes with the result, which callers free (or hand to the reclaimer) after
    // unlocking; their bytes go back to the storage budget now.
    [[nodiscard]] record_log::released trim_to(std::int64_t new_start) {
        auto dropped = records.trim(new_start);
        charge.shrink_to(static_cast<std::uint64_t>(records.stored_bytes()));
        return dropped;
    }

    // Caller holds `mutex`. Retention works like Kafka's: expired messages leave the log from its start,
    // which moves the log start offset. Done lazily, whenever the log is opened.
    [[nodiscard]] record_log::released expire(std::int64_t now, std::int64_t retention_ms) {
        return trim_to(records.first_appended_since(now - retention_ms));
    }

    // Caller holds `mutex`. The first offset whose message is at or after `timestamp`, else the end.
    std::int64_t offset_for_time(std::int64_t timestamp) const { return records.first_at_time(timestamp); }
};

}  // namespace

struct kafka_store::topic {
    topic(topic_spec s, std::int64_t now) : spec(std::move(s)) {
        for (std::int32_t i = 0; i < spec.partition_count; ++i) logs.push_back(std::make_unique<partition_log>(now));
    }

    mutable std::shared_mutex mutex;  // guards spec and the logs vector (not the logs' content)
    topic_spec spec;
    std::vector<std::unique_ptr<partition_log>> logs;
    std::atomic<std::uint32_t> round_robin{0};

    partition_log* log(std::int32_t index) const {
        if (index < 0 || index >= static_cast<std::int32_t>(logs.size())) return nullptr;
        return logs[static_cast<std::size_t>(index)].get();
    }

    // A log locked for use, with retention applied. Members are destroyed in reverse order: the lock is
    // released first, then the expired records' memory is freed.
    struct opened {
        record_log::released expired;
        std::unique_lock<std::mutex> lock;
    };

    // Caller holds `mutex` (shared at least). Locks one log, applying retention first.
    opened open(partition_log& target, std::int64_t now) const {
        std::unique_lock lock(target.mutex);
        auto expired = target.expire(now, std::int64_t{spec.retention_hours} * ms_per_hour);
        return opened{std::move(expired), std::move(lock)};
    }
};

struct consumer_group {
    std::optional<std::string> description;
    std::int64_t created_at = 0;
    std::map<std::pair<std::string, std::int32_t>, std::int64_t> offsets;  // (topic, partition) -> committed
};

struct kafka_store::instance {
    explicit instance(instance_spec s) : spec(std::move(s)) {}

    mutable std::shared_mutex mutex;  // guards spec.status, topics and groups
    instance_spec spec;
    std::map<std::string, std::shared_ptr<topic>> topics;
    std::map<std::string, consumer_group> groups;

    std::int32_t max_partitions() const { return spec.broker_num * partitions_per_broker; }

    // Caller holds `mutex`.
    std::int32_t used_partitions() const {
        std::int32_t used = 0;
        for (const auto& [name, t] : topics) {
            std::shared_lock lock(t->mutex);
            used += t->spec.partition_count;
        }
        return used;
    }

    instance_info info() const {
        std::shared_lock lock(mutex);
        return instance_info{spec, max_partitions(), used_partitions()};
    }

    void require_running() const {
        std::shared_lock lock(mutex);
        require_running_locked();
    }

    // Caller holds `mutex`.
    void require_running_locked() const {
        if (spec.status != "RUNNING") throw error(errc::instance_not_running, {spec.status});
    }

    // Caller holds `mutex`.
    const consumer_group& group(const std::string& name) const {
        const auto it = groups.find(name);
        if (it == groups.end()) throw error(errc::group_not_found, {name});
        return it->second;
    }
    consumer_group& group(const std::string& name) {
        const auto it = groups.find(name);
        if (it == groups.end()) throw error(errc::group_not_found, {name});
        return it->second;
    }

    // Caller holds `mutex`. A group's coordinator: Kafka picks the leader of the group's __consumer_offsets
    // partition; a stable hash over the brokers is as good here.
    std::int32_t coordinator(const std::string& name) const { return kafka_key_partition(name, spec.broker_num); }
};

kafka_store::kafka_store(clock_fn clock, std::shared_ptr<storage_budget> budget)
    : clock_(std::move(clock)),
      budget_(budget ? std::move(budget) : std::make_shared<storage_budget>()),
      reclaimer_(std::make_unique<reclaimer>()) {}
kafka_store::~kafka_store() = default;

std::shared_ptr<kafka_store::instance> kafka_store::find_instance(const std::string& project_id,
                                                                  const std::string& instance_id) const {
    std::shared_lock lock(mutex_);
    const auto project = projects_.find(project_id);
    if (project != projects_.end()) {
        const auto it = project->second.find(instance_id);
        if (it != project->second.end()) return it->second;
    }
    throw error(errc::instance_not_found, {instance_id});
}

std::shared_ptr<kafka_store::topic> kafka_store::find_topic(const std::string& project_id,
                                                            const std::string& instance_id,
                                                            const std::string& topic_name) const {
    const auto inst = find_instance(project_id, instance_id);
    std::shared_lock lock(inst->mutex);
    return find_topic_in(*inst, topic_name);
}

// Caller holds inst.mutex.
std::shared_ptr<kafka_store::topic> kafka_store::find_topic_in(const instance& inst,
                                                               const std::string& topic_name) const {
    const auto it = inst.topics.find(topic_name);
    if (it == inst.topics.end()) throw error(errc::topic_not_found, {topic_name});
    return it->second;
}

instance_info kafka_store::create_instance(const std::string& project_id, instance_spec spec) {
    if (spec.instance_id.empty()) spec.instance_id = new_uuid();
    if (!spec.created_at) spec.created_at = clock_();
    auto created = std::make_shared<instance>(std::move(spec));
    {
        std::unique_lock lock(mutex_);
        auto& instances = projects_[project_id];
        for (const auto& [id, existing] : instances) {
            if (id == created->spec.instance_id || existing->spec.name == created->spec.name) {
                throw error(errc::instance_name_exists, {created->spec.name});
            }
        }
        instances.emplace(created->spec.instance_id, created);
    }
    return created->info();
}

instance_info kafka_store::get_instance(const std::string& project_id, const std::string& instance_id) const {
    return find_instance(project_id, instance_id)->info();
}

std::vector<instance_info> kafka_store::list_instances(const std::string& project_id) const {
    std::vector<std::shared_ptr<instance>> found;
    {
        std::shared_lock lock(mutex_);
        const auto project = projects_.find(project_id);
        if (project == projects_.end()) return {};
        for (const auto& [id, inst] : project->second) found.push_back(inst);
    }
    std::vector<instance_info> out;
    out.reserve(found.size());
    for (const auto& inst : found) out.push_back(inst->info());
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return *a.spec.created_at > *b.spec.created_at; });
    return out;
}

// Everything under the instance goes with it: topics, logs and groups live only inside it.
void kafka_store::delete_instance(const std::string& project_id, const std::string& instance_id) {
    std::unique_lock lock(mutex_);
    const auto project = projects_.find(project_id);
    if (project == projects_.end()) throw error(errc::instance_not_found, {instance_id});
    const auto it = project->second.find(instance_id);
    if (it == project->second.end()) throw error(errc::instance_not_found, {instance_id});
    {
        std::shared_lock instance_lock(it->second->mutex);
        const auto& status = it->second->spec.status;
        if (std::find(busy_statuses.begin(), busy_statuses.end(), status) != busy_statuses.end()) {
            throw error(errc::instance_not_running, {status});
        }
    }
    project->second.erase(it);
}

topic_spec kafka_store::create_topic(const std::string& project_id, const std::string& instance_id,
                                     topic_spec spec) {
    const auto inst = find_instance(project_id, instance_id);
    if (!spec.created_at) spec.created_at = clock_();
    std::unique_lock lock(inst->mutex);
    if (inst->topics.contains(spec.name)) throw error(errc::topic_exists, {spec.name});
    if (spec.replication > inst->spec.broker_num) {
        throw error(errc::replication_exceeds_brokers, {std::to_string(inst->spec.broker_num)});
    }
    if (std::int64_t{inst->used_partitions()} + spec.partition_count > inst->max_partitions()) {
        throw error(errc::partition_quota_exceeded, {std::to_string(inst->max_partitions())});
    }
    auto created = std::make_shared<topic>(spec, *spec.created_at);
    inst->topics.emplace(spec.name, std::move(created));
    return spec;
}

std::vector<topic_spec> kafka_store::list_topics(const std::string& project_id,
                                                 const std::string& instance_id) const {
    const auto inst = find_instance(project_id, instance_id);
    std::shared_lock lock(inst->mutex);
    std::vector<topic_spec> out;
    out.reserve(inst->topics.size());
    for (const auto& [name, t] : inst->topics) {
        std::shared_lock topic_lock(t->mutex);
        out.push_back(t->spec);
    }
    return out;
}

produce_result kafka_store::produce(const std::string& project_id, const std::string& instance_id,
                                    const produce_request& request) {
    find_instance(project_id, instance_id)->require_running();
    const auto t = find_topic(project_id, instance_id, request.topic);
    std::shared_lock topic_lock(t->mutex);
    const auto count = static_cast<std::int32_t>(t->logs.size());
    std::int32_t index = 0;
    if (request.partition) {
        index = *request.partition;
    } else if (request.key) {
        index = kafka_key_partition(*request.key, count);
    } else {
        index = static_cast<std::int32_t>(t->round_robin.fetch_add(1) % static_cast<std::uint32_t>(count));
    }
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(index)});

    const std::int64_t now = clock_();
    const auto lock = t->open(*log, now);
    const std::int64_t offset = log->end_offset();
    const std::string headers = encode_headers(request.headers);
    const std::uint64_t bytes = request.value.size() + (request.key ? request.key->size() : 0) + headers.size();
    if (!budget_->try_reserve(bytes)) throw error(errc::storage_full, {std::to_string(budget_->capacity())});
    log->records.append(now, now, request.key, request.value, headers);
    log->charge.adopt(budget_, bytes);
    log->last_update_ms = now;
    return produce_result{index, offset, now};
}

std::vector<delete_records_result> kafka_store::delete_records(const std::string& project_id,
                                                               const std::string& instance_id,
                                                               const std::string& topic_name,
                                                               const std::vector<delete_records_entry>& entries) {
    find_instance(project_id, instance_id)->require_running();
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);

    // Lock every distinct known partition in ascending order so concurrent batches cannot deadlock.
    std::vector<std::int32_t> order;
    for (const auto& entry : entries) {
        if (t->log(entry.partition) != nullptr) order.push_back(entry.partition);
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    record_log::released trimmed;  // handed to the reclaimer once every lock is released
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
                results.push_back({entry.partition, delete_records_status::offset_out_of_range, log->start_offset()});
                continue;
            }
            for (auto& chunk : log->trim_to(target)) trimmed.push_back(std::move(chunk));
            results.push_back({entry.partition, delete_records_status::success, log->start_offset()});
        }
    }
    reclaimer_->discard(std::move(trimmed));
    return results;
}

std::vector<partition_state> kafka_store::partitions(const std::string& project_id,
                                                     const std::string& instance_id,
                                                     const std::string& topic_name) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
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

partition_state kafka_store::partition(const std::string& project_id, const std::string& instance_id,
                                       const std::string& topic_name, std::int32_t index) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(index)});
    const auto lock = t->open(*log, clock_());
    return log->snapshot(index);
}

std::optional<kafka_message> kafka_store::message_at(const std::string& project_id,
                                                     const std::string& instance_id,
                                                     const std::string& topic_name, std::int32_t index,
                                                     std::int64_t offset) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(index)});
    const auto lock = t->open(*log, clock_());
    if (offset < log->start_offset() || offset >= log->end_offset()) return std::nullopt;
    return to_message(log->records.at(offset));
}

void kafka_store::load_partition(const std::string& project_id, const std::string& instance_id,
                                 const std::string& topic_name, partition_content content) {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(content.partition);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(content.partition)});
    const std::int64_t now = clock_();
    std::vector<std::string> headers;  // encoded, as the log keeps them
    headers.reserve(content.messages.size());
    std::uint64_t bytes = 0;
    for (const auto& message : content.messages) {
        headers.push_back(encode_headers(message.headers));
        bytes += message.value.size() + (message.key ? message.key->size() : 0) + headers.back().size();
    }
    record_log::released previous;  // freed after the lock below is released
    std::lock_guard lock(log->mutex);
    if (!budget_->try_reserve(bytes)) throw error(errc::storage_full, {std::to_string(budget_->capacity())});
    previous = log->records.clear(content.log_start_offset);
    log->charge.release_all();
    log->charge.adopt(budget_, bytes);
    for (std::size_t i = 0; i < content.messages.size(); ++i) {
        const auto& message = content.messages[i];
        const std::int64_t timestamp = message.timestamp == 0 ? now : message.timestamp;
        const std::int64_t appended = message.appended_ms == 0 ? now : message.appended_ms;
        log->records.append(timestamp, appended, message.key, message.value, headers[i]);
        log->last_update_ms = std::max(log->last_update_ms, timestamp);
    }
    if (content.last_update_ms) log->last_update_ms = *content.last_update_ms;
}

topic_spec kafka_store::get_topic(const std::string& project_id, const std::string& instance_id,
                                  const std::string& topic_name) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock lock(t->mutex);
    return t->spec;
}

void kafka_store::update_topics(const std::string& project_id, const std::string& instance_id,
                                const std::vector<topic_update>& updates) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    // Check everything first, so that a refused batch changes nothing.
    std::int64_t used = inst->used_partitions();
    std::vector<std::shared_ptr<topic>> targets;
    for (const auto& update : updates) {
        auto t = find_topic_in(*inst, update.name);
        std::shared_lock topic_lock(t->mutex);
        if (update.partition_count) {
            if (*update.partition_count < t->spec.partition_count) {
                throw error(errc::partition_count_decrease, {update.name});
            }
            used += *update.partition_count - t->spec.partition_count;
        }
        targets.push_back(std::move(t));
    }
    if (used > inst->max_partitions()) {
        throw error(errc::partition_quota_exceeded, {std::to_string(inst->max_partitions())});
    }
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

std::vector<topic_deletion> kafka_store::delete_topics(const std::string& project_id,
                                                       const std::string& instance_id,
                                                       const std::vector<std::string>& names) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    std::vector<topic_deletion> out;
    out.reserve(names.size());
    for (const auto& name : names) {
        const bool deleted = inst->topics.erase(name) > 0;
        if (deleted) {
            for (auto& [group_name, group] : inst->groups) {
                std::erase_if(group.offsets, [&](const auto& entry) { return entry.first.first == name; });
            }
        }
        out.push_back({name, deleted});
    }
    return out;
}

std::vector<stored_message> kafka_store::messages(const std::string& project_id, const std::string& instance_id,
                                                  const std::string& topic_name,
                                                  const message_filter& filter) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    std::int32_t first = 0;
    auto last = static_cast<std::int32_t>(t->logs.size());
    if (filter.partition) {
        if (t->log(*filter.partition) == nullptr) {
            throw error(errc::partition_not_found, {std::to_string(*filter.partition)});
        }
        first = *filter.partition;
        last = first + 1;
    }
    const std::int64_t now = clock_();
    std::vector<stored_message> out;
    for (auto index = first; index < last; ++index) {
        partition_log& log = *t->log(index);
        const auto lock = t->open(log, now);
        log.records.scan(log.start_offset(), [&](const log_entry& entry) {
            const bool wanted = (!filter.start_ms || entry.timestamp >= *filter.start_ms) &&
                                (!filter.end_ms || entry.timestamp <= *filter.end_ms);
            if (wanted) out.push_back({index, to_message(entry)});
            return true;
        });
    }
    return out;
}

group_info kafka_store::create_group(const std::string& project_id, const std::string& instance_id,
                                     const std::string& group, std::optional<std::string> description) {
    const auto inst = find_instance(project_id, instance_id);
    const std::int64_t now = clock_();
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    if (inst->groups.contains(group)) throw error(errc::group_exists, {group});
    inst->groups.emplace(group, consumer_group{std::move(description), now, {}});
    return group_info{group, inst->groups.at(group).description, now, inst->coordinator(group), 0};
}

namespace {

// Caller holds the topic's mutex (shared). The log around one committed offset.
group_partition_offset offset_row(const std::string& topic_name, std::int32_t partition, std::int64_t committed,
                                  const partition_log& log) {
    return group_partition_offset{topic_name, partition, committed, log.start_offset(), log.end_offset(),
                                  log.end_offset() - committed};
}

}  // namespace

std::vector<group_partition_offset> kafka_store::group_offsets(const std::string& project_id,
                                                               const std::string& instance_id,
                                                               const std::string& group) const {
    const auto inst = find_instance(project_id, instance_id);
    const std::int64_t now = clock_();
    std::shared_lock lock(inst->mutex);
    std::vector<group_partition_offset> out;
    for (const auto& [key, committed] : inst->group(group).offsets) {
        const auto& [topic_name, partition] = key;
        const auto t = find_topic_in(*inst, topic_name);
        std::shared_lock topic_lock(t->mutex);
        partition_log* log = t->log(partition);
        if (log == nullptr) continue;  // committed for a partition the topic does not have (fixtures)
        const auto log_lock = t->open(*log, now);
        out.push_back(offset_row(topic_name, partition, committed, *log));
    }
    return out;
}

std::vector<group_info> kafka_store::list_groups(const std::string& project_id,
                                                 const std::string& instance_id) const {
    std::vector<std::string> names;
    {
        const auto inst = find_instance(project_id, instance_id);
        std::shared_lock lock(inst->mutex);
        for (const auto& [name, group] : inst->groups) names.push_back(name);
    }
    std::vector<group_info> out;
    for (const auto& name : names) {
        try {
            out.push_back(get_group(project_id, instance_id, name));
        } catch (const error& e) {
            if (e.code() != errc::group_not_found) throw;  // deleted meanwhile
        }
    }
    return out;
}

group_info kafka_store::get_group(const std::string& project_id, const std::string& instance_id,
                                  const std::string& group) const {
    std::int64_t lag = 0;
    for (const auto& row : group_offsets(project_id, instance_id, group)) lag += row.lag;
    const auto inst = find_instance(project_id, instance_id);
    std::shared_lock lock(inst->mutex);
    const auto& found = inst->group(group);
    return group_info{group, found.description, found.created_at, inst->coordinator(group), lag};
}

void kafka_store::update_group(const std::string& project_id, const std::string& instance_id,
                               const std::string& group, std::optional<std::string> description) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    auto& found = inst->group(group);
    if (description) found.description = std::move(description);
}

void kafka_store::delete_group(const std::string& project_id, const std::string& instance_id,
                               const std::string& group) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    if (inst->groups.erase(group) == 0) throw error(errc::group_not_found, {group});
}

std::vector<std::string> kafka_store::subscribed_groups(const std::string& project_id,
                                                        const std::string& instance_id,
                                                        const std::string& topic_name) const {
    const auto inst = find_instance(project_id, instance_id);
    std::shared_lock lock(inst->mutex);
    find_topic_in(*inst, topic_name);
    std::vector<std::string> out;
    for (const auto& [name, group] : inst->groups) {
        const bool subscribed = std::any_of(group.offsets.begin(), group.offsets.end(),
                                            [&](const auto& entry) { return entry.first.first == topic_name; });
        if (subscribed) out.push_back(name);
    }
    return out;
}

void kafka_store::commit_offset(const std::string& project_id, const std::string& instance_id,
                                const std::string& group, const std::string& topic_name, std::int32_t partition,
                                std::int64_t offset) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    auto& found = inst->group(group);
    const auto t = find_topic_in(*inst, topic_name);
    {
        std::shared_lock topic_lock(t->mutex);
        if (t->log(partition) == nullptr) throw error(errc::partition_not_found, {std::to_string(partition)});
    }
    found.offsets[{topic_name, partition}] = offset;
}

void kafka_store::reset_offsets(const std::string& project_id, const std::string& instance_id,
                                const std::string& group, const std::string& topic_name, std::int32_t partition,
                                const reset_target& target) {
    const auto inst = find_instance(project_id, instance_id);
    const std::int64_t now = clock_();
    std::unique_lock lock(inst->mutex);
    inst->require_running_locked();
    auto& found = inst->group(group);

    // The topics concerned: the one named, or every topic the group has offsets on.
    std::vector<std::string> topics;
    if (topic_name.empty()) {
        for (const auto& [key, committed] : found.offsets) {
            if (topics.empty() || topics.back() != key.first) topics.push_back(key.first);
        }
    } else {
        topics.push_back(topic_name);
    }
    // Check before changing anything.
    std::vector<std::pair<std::shared_ptr<topic>, std::vector<std::int32_t>>> plan;
    for (const auto& name : topics) {
        auto t = find_topic_in(*inst, name);
        std::shared_lock topic_lock(t->mutex);
        std::vector<std::int32_t> partitions;
        if (partition == all_partitions) {
            for (std::int32_t i = 0; i < static_cast<std::int32_t>(t->logs.size()); ++i) {
                // "All topics of the group" means the partitions it has committed; a named topic, all of them.
                if (topic_name.empty() && !found.offsets.contains({name, i})) continue;
                partitions.push_back(i);
            }
        } else if (t->log(partition) != nullptr) {
            partitions.push_back(partition);
        } else if (!topic_name.empty()) {
            throw error(errc::partition_not_found, {std::to_string(partition)});
        }
        plan.emplace_back(std::move(t), std::move(partitions));
    }
    for (const auto& [t, partitions] : plan) {
        std::shared_lock topic_lock(t->mutex);
        for (const auto index : partitions) {
            partition_log& log = *t->log(index);
            const auto log_lock = t->open(log, now);
            std::int64_t offset = target.offset ? *target.offset : log.offset_for_time(target.timestamp.value_or(0));
            offset = std::clamp(offset, log.start_offset(), log.end_offset());
            found.offsets[{t->spec.name, index}] = offset;
        }
    }
}

void kafka_store::reset() {
    std::unique_lock lock(mutex_);
    projects_.clear();
}

// Control plane: snapshots, counts, per-project reset and restores.

namespace {

// Caller holds the topic's mutex (shared). Copies one log under its lock, retention applied first.
partition_snapshot copy_log(const kafka_store::topic& t, std::int32_t index, std::int64_t now) {
    partition_log& log = *t.log(index);
    const auto lock = t.open(log, now);
    const auto state = log.snapshot(index);
    partition_snapshot out{index, state.start_offset, state.last_update_ms, {}};
    out.messages.reserve(static_cast<std::size_t>(log.records.size()));
    log.records.scan(log.records.start(), [&out](const log_entry& entry) {
        out.messages.push_back(to_message(entry));
        return true;
    });
    return out;
}

}  // namespace

std::vector<kafka_project_snapshot> kafka_store::snapshot(const std::optional<std::string>& project_id) const {
    std::vector<std::pair<std::string, std::vector<std::shared_ptr<instance>>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, instances] : projects_) {
            if (instances.empty() || (project_id && id != *project_id)) continue;
            auto& entry = found.emplace_back(id, std::vector<std::shared_ptr<instance>>{});
            for (const auto& [instance_id, inst] : instances) entry.second.push_back(inst);
        }
    }
    const std::int64_t now = clock_();
    std::vector<kafka_project_snapshot> out;
    out.reserve(found.size());
    for (const auto& [id, instances] : found) {
        auto& project = out.emplace_back(kafka_project_snapshot{id, {}});
        for (const auto& inst : instances) {
            std::shared_lock lock(inst->mutex);
            auto& copy = project.instances.emplace_back(instance_snapshot{inst->spec, {}, {}});
            for (const auto& [name, t] : inst->topics) {
                std::shared_lock topic_lock(t->mutex);
                auto& topic_copy = copy.topics.emplace_back(topic_snapshot{t->spec, {}});
                for (std::int32_t i = 0; i < static_cast<std::int32_t>(t->logs.size()); ++i) {
                    topic_copy.partitions.push_back(copy_log(*t, i, now));
                }
            }
            for (const auto& [name, group] : inst->groups) {
                auto& group_copy = copy.groups.emplace_back(group_snapshot{name, group.description, group.created_at, {}});
                for (const auto& [key, committed] : group.offsets) {
                    group_copy.offsets.push_back(committed_offset{key.first, key.second, committed});
                }
            }
        }
    }
    return out;
}

kafka_counts kafka_store::counts() const {
    std::vector<std::shared_ptr<instance>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, instances] : projects_) {
            for (const auto& [instance_id, inst] : instances) found.push_back(inst);
        }
    }
    const std::int64_t now = clock_();
    kafka_counts out;
    out.instances = static_cast<std::int64_t>(found.size());
    for (const auto& inst : found) {
        std::shared_lock lock(inst->mutex);
        out.topics += static_cast<std::int64_t>(inst->topics.size());
        for (const auto& [name, t] : inst->topics) {
            std::shared_lock topic_lock(t->mutex);
            for (const auto& log : t->logs) {
                const auto log_lock = t->open(*log, now);
                out.messages += log->records.size();
            }
        }
    }
    return out;
}

std::vector<std::string> kafka_store::project_ids() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [id, instances] : projects_) {
        if (!instances.empty()) out.push_back(id);
    }
    return out;
}

void kafka_store::reset_project(const std::string& project_id) {
    std::unique_lock lock(mutex_);
    projects_.erase(project_id);
}

bool kafka_store::erase_instance(const std::string& project_id, const std::string& instance_id) {
    std::unique_lock lock(mutex_);
    const auto project = projects_.find(project_id);
    return project != projects_.end() && project->second.erase(instance_id) > 0;
}

void kafka_store::restore_group(const std::string& project_id, const std::string& instance_id,
                                const group_snapshot& group) {
    const auto inst = find_instance(project_id, instance_id);
    std::unique_lock lock(inst->mutex);
    if (inst->groups.contains(group.group_id)) throw error(errc::group_exists, {group.group_id});
    consumer_group restored{group.description, group.created_at, {}};
    for (const auto& committed : group.offsets) {
        const auto t = find_topic_in(*inst, committed.topic);
        std::shared_lock topic_lock(t->mutex);
        if (t->log(committed.partition) == nullptr) {
            throw error(errc::partition_not_found, {std::to_string(committed.partition)});
        }
        restored.offsets[{committed.topic, committed.partition}] = committed.offset;
    }
    inst->groups.emplace(group.group_id, std::move(restored));
}

void kafka_store::swap_contents(kafka_store& other) {
    if (&other == this) return;
    std::scoped_lock lock(mutex_, other.mutex_);
    projects_.swap(other.projects_);
}

}  // namespace emu::state
