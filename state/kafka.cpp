#include "state/kafka.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

#include "state/errors.hpp"
#include "state/hashing.hpp"
#include "state/ids.hpp"

namespace emu::state {

namespace {

constexpr std::int32_t partitions_per_broker = 100;

struct partition_log {
    explicit partition_log(std::int64_t created_ms) : last_update_ms(created_ms) {}

    mutable std::mutex mutex;  // guards everything below
    std::deque<kafka_message> messages;  // offsets [start_offset, end_offset), contiguous
    std::int64_t start_offset = 0;
    std::int64_t end_offset = 0;
    std::int64_t last_update_ms = 0;

    partition_state snapshot(std::int32_t index) const {
        std::lock_guard lock(mutex);
        partition_state out;
        out.partition = index;
        out.start_offset = start_offset;
        out.end_offset = end_offset;
        out.last_update_ms = last_update_ms;
        if (!messages.empty()) {
            out.first_timestamp = messages.front().timestamp;
            out.last_timestamp = messages.back().timestamp;
        }
        return out;
    }

    // Caller holds `mutex`. Trimming is not a write: last_update_ms keeps the last append's time.
    void trim_to(std::int64_t new_start) {
        if (new_start <= start_offset) return;
        while (!messages.empty() && messages.front().offset < new_start) messages.pop_front();
        start_offset = new_start;
    }
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
};

struct kafka_store::instance {
    explicit instance(instance_spec s) : spec(std::move(s)) {}

    mutable std::shared_mutex mutex;  // guards spec.status and topics
    instance_spec spec;
    std::map<std::string, std::shared_ptr<topic>> topics;

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
        if (spec.status != "RUNNING") throw error(errc::instance_not_running, {spec.status});
    }
};

kafka_store::kafka_store(clock_fn clock) : clock_(std::move(clock)) {}
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
    const auto it = inst->topics.find(topic_name);
    if (it == inst->topics.end()) throw error(errc::topic_not_found, {topic_name});
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

void kafka_store::delete_instance(const std::string& project_id, const std::string& instance_id) {
    std::unique_lock lock(mutex_);
    const auto project = projects_.find(project_id);
    if (project == projects_.end() || project->second.erase(instance_id) == 0) {
        throw error(errc::instance_not_found, {instance_id});
    }
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
    std::lock_guard lock(log->mutex);
    kafka_message message{log->end_offset, request.key, request.value, now, request.headers};
    log->messages.push_back(std::move(message));
    log->last_update_ms = now;
    return produce_result{index, log->end_offset++, now};
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
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(order.size());
    for (const auto index : order) locks.emplace_back(t->log(index)->mutex);

    std::vector<delete_records_result> results;
    results.reserve(entries.size());
    for (const auto& entry : entries) {
        partition_log* log = t->log(entry.partition);
        if (log == nullptr) {
            results.push_back({entry.partition, delete_records_status::unknown_partition, -1});
            continue;
        }
        const std::int64_t target = entry.offset == delete_to_end ? log->end_offset : entry.offset;
        if (target < 0 || target > log->end_offset) {
            results.push_back({entry.partition, delete_records_status::offset_out_of_range, log->start_offset});
            continue;
        }
        log->trim_to(target);
        results.push_back({entry.partition, delete_records_status::success, log->start_offset});
    }
    return results;
}

std::vector<partition_state> kafka_store::partitions(const std::string& project_id,
                                                     const std::string& instance_id,
                                                     const std::string& topic_name) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    std::vector<partition_state> out;
    out.reserve(t->logs.size());
    for (std::size_t i = 0; i < t->logs.size(); ++i) out.push_back(t->logs[i]->snapshot(static_cast<std::int32_t>(i)));
    return out;
}

partition_state kafka_store::partition(const std::string& project_id, const std::string& instance_id,
                                       const std::string& topic_name, std::int32_t index) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    const partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(index)});
    return log->snapshot(index);
}

std::optional<kafka_message> kafka_store::message_at(const std::string& project_id,
                                                     const std::string& instance_id,
                                                     const std::string& topic_name, std::int32_t index,
                                                     std::int64_t offset) const {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    const partition_log* log = t->log(index);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(index)});
    std::lock_guard lock(log->mutex);
    if (offset < log->start_offset || offset >= log->end_offset) return std::nullopt;
    return log->messages[static_cast<std::size_t>(offset - log->messages.front().offset)];
}

void kafka_store::load_partition(const std::string& project_id, const std::string& instance_id,
                                 const std::string& topic_name, partition_content content) {
    const auto t = find_topic(project_id, instance_id, topic_name);
    std::shared_lock topic_lock(t->mutex);
    partition_log* log = t->log(content.partition);
    if (log == nullptr) throw error(errc::partition_not_found, {std::to_string(content.partition)});
    const std::int64_t now = clock_();
    std::lock_guard lock(log->mutex);
    log->messages.clear();
    log->start_offset = content.log_start_offset;
    log->end_offset = content.log_start_offset;
    for (auto& message : content.messages) {
        message.offset = log->end_offset++;
        if (message.timestamp == 0) message.timestamp = now;
        log->last_update_ms = std::max(log->last_update_ms, message.timestamp);
        log->messages.push_back(std::move(message));
    }
}

void kafka_store::reset() {
    std::unique_lock lock(mutex_);
    projects_.clear();
}

}  // namespace emu::state
