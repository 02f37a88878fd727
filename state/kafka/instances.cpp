#include "state/kafka/instances.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <string_view>
#include <tuple>

#include "state/errors.hpp"
#include "state/ids.hpp"
#include "state/reclaimer.hpp"

namespace emu::state {

namespace {

constexpr std::int32_t partitions_per_broker = 100;

// Statuses in which an instance is being changed and so cannot be deleted (DMS.00400026).
constexpr std::array busy_statuses{std::string_view{"CREATING"},   std::string_view{"STARTING"},
                                   std::string_view{"RESTARTING"}, std::string_view{"EXTENDING"},
                                   std::string_view{"UPGRADING"},  std::string_view{"ROLLINGBACK"},
                                   std::string_view{"FREEZING"},   std::string_view{"DELETING"}};

}  // namespace

struct kafka_store::instance {
    instance(instance_spec s, std::shared_ptr<kafka_cluster> c) : spec(std::move(s)), cluster(std::move(c)) {}

    mutable std::shared_mutex mutex;  // guards spec and address
    instance_spec spec;
    std::optional<broker_address> address;  // none: the store's default
    std::string listen_error;               // why its listener could not open; empty: it did
    const std::shared_ptr<kafka_cluster> cluster;
    const std::shared_ptr<producer_registry> producers = std::make_shared<producer_registry>();

    std::int32_t max_partitions() const { return spec.broker_num * partitions_per_broker; }

    instance_info info(const broker_address& fallback) const {
        std::shared_lock lock(mutex);
        return instance_info{spec, max_partitions(), cluster->used_partitions(), address.value_or(fallback)};
    }
};

kafka_store::kafka_store(clock_fn clock, std::shared_ptr<storage_budget> budget)
    : clock_(std::move(clock)),
      budget_(budget ? std::move(budget) : std::make_shared<storage_budget>()),
      reclaimer_(std::make_shared<reclaimer>()) {}

kafka_store::~kafka_store() = default;

std::shared_ptr<kafka_store::instance> kafka_store::find_instance(const std::string& project_id,
                                                                  const std::string& instance_id) const {
    std::shared_lock lock(mutex_);
    const auto project = projects_.find(project_id);
    if (project != projects_.end()) {
        const auto it = project->second.find(instance_id);
        if (it != project->second.end()) return it->second;
    }
    throw error(errc::instance_not_found, {.name = instance_id});
}

instance_info kafka_store::create_instance(const std::string& project_id, instance_spec spec) {
    if (spec.instance_id.empty()) spec.instance_id = new_uuid();
    if (!spec.created_at) spec.created_at = clock_();
    const cluster_limits limits{spec.broker_num, spec.broker_num * partitions_per_broker};
    std::shared_ptr<timer_service> timers;
    {
        std::shared_lock lock(mutex_);
        timers = timers_;
    }
    auto created = std::make_shared<instance>(
        std::move(spec),
        std::make_shared<memory_cluster>(clock_, budget_, reclaimer_, limits, std::move(timers)));
    broker_address fallback;
    {
        std::unique_lock lock(mutex_);
        auto& instances = projects_[project_id];
        for (const auto& [id, existing] : instances) {
            if (id == created->spec.instance_id || existing->spec.name == created->spec.name) {
                throw error(errc::instance_name_exists, {.name = created->spec.name});
            }
        }
        instances.emplace(created->spec.instance_id, created);
    }
    instances_changed();
    {
        std::shared_lock lock(mutex_);
        fallback = default_address_;
    }
    return created->info(fallback);
}

instance_info kafka_store::get_instance(const std::string& project_id, const std::string& instance_id) const {
    const auto found = find_instance(project_id, instance_id);
    std::shared_lock lock(mutex_);
    const broker_address fallback = default_address_;
    lock.unlock();
    return found->info(fallback);
}

std::vector<instance_info> kafka_store::list_instances(const std::string& project_id) const {
    std::vector<std::shared_ptr<instance>> found;
    broker_address fallback;
    {
        std::shared_lock lock(mutex_);
        fallback = default_address_;
        const auto project = projects_.find(project_id);
        if (project == projects_.end()) return {};
        for (const auto& [id, inst] : project->second) found.push_back(inst);
    }
    std::vector<instance_info> out;
    out.reserve(found.size());
    for (const auto& inst : found) out.push_back(inst->info(fallback));
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return *a.spec.created_at > *b.spec.created_at; });
    return out;
}

// Everything under the instance goes with it: topics, logs and groups live only in its cluster.
void kafka_store::delete_instance(const std::string& project_id, const std::string& instance_id) {
    {
        std::unique_lock lock(mutex_);
        const auto project = projects_.find(project_id);
        if (project == projects_.end()) throw error(errc::instance_not_found, {.name = instance_id});
        const auto it = project->second.find(instance_id);
        if (it == project->second.end()) throw error(errc::instance_not_found, {.name = instance_id});
        {
            std::shared_lock instance_lock(it->second->mutex);
            const auto& status = it->second->spec.status;
            if (std::find(busy_statuses.begin(), busy_statuses.end(), status) != busy_statuses.end()) {
                throw error(errc::instance_not_running, {.reason = status});
            }
        }
        project->second.erase(it);
    }
    instances_changed();
}

std::shared_ptr<kafka_cluster> kafka_store::cluster(const std::string& project_id,
                                                    const std::string& instance_id) const {
    return find_instance(project_id, instance_id)->cluster;
}

std::shared_ptr<kafka_cluster> kafka_store::running_cluster(const std::string& project_id,
                                                            const std::string& instance_id) const {
    const auto found = find_instance(project_id, instance_id);
    std::shared_lock lock(found->mutex);
    if (found->spec.status != "RUNNING")
        throw error(errc::instance_not_running, {.reason = found->spec.status});
    return found->cluster;
}

memory_cluster& kafka_store::memory(const std::string& project_id, const std::string& instance_id) const {
    auto* in_memory = find_instance(project_id, instance_id)->cluster->in_memory();
    if (in_memory == nullptr) throw error(errc::not_supported, {.name = instance_id});
    return *in_memory;
}

void kafka_store::set_auto_create_topic(const std::string& project_id, const std::string& instance_id,
                                        bool enabled) {
    const auto found = find_instance(project_id, instance_id);
    std::unique_lock lock(found->mutex);
    found->spec.enable_auto_topic = enabled;
}

void kafka_store::update_configs(
    const std::string& project_id, const std::string& instance_id,
    const std::function<void(bool& enable_auto_topic, broker_configs& configs)>& change) {
    const auto found = find_instance(project_id, instance_id);
    std::unique_lock lock(found->mutex);
    change(found->spec.enable_auto_topic, found->spec.configs);
}

std::shared_ptr<producer_registry> kafka_store::producers(const std::string& project_id,
                                                          const std::string& instance_id) const {
    return find_instance(project_id, instance_id)->producers;
}

void kafka_store::set_default_address(broker_address address) {
    std::unique_lock lock(mutex_);
    default_address_ = std::move(address);
}

void kafka_store::set_address(const std::string& project_id, const std::string& instance_id,
                              broker_address address) {
    const auto found = find_instance(project_id, instance_id);
    std::unique_lock lock(found->mutex);
    found->address = std::move(address);
    found->listen_error.clear();
}

void kafka_store::set_listen_error(const std::string& project_id, const std::string& instance_id,
                                   std::string error) {
    std::shared_ptr<instance> found;
    try {
        found = find_instance(project_id, instance_id);
    } catch (const state::error&) {
        return;
    }
    std::unique_lock lock(found->mutex);
    found->listen_error = std::move(error);
}

std::vector<std::string> kafka_store::listen_errors() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [project_id, instances] : projects_) {
        for (const auto& [instance_id, inst] : instances) {
            std::shared_lock instance_lock(inst->mutex);
            if (!inst->listen_error.empty())
                out.push_back("instance " + instance_id + ": " + inst->listen_error);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void kafka_store::set_timers(std::shared_ptr<timer_service> timers) {
    std::unique_lock lock(mutex_);
    timers_ = std::move(timers);
}

void kafka_store::reset() {
    {
        std::unique_lock lock(mutex_);
        projects_.clear();
    }
    instances_changed();
}

void kafka_store::set_instances_observer(std::function<void()> observer) {
    std::lock_guard lock(observer_mutex_);
    observer_ = std::move(observer);
}

void kafka_store::instances_changed() const {
    std::lock_guard lock(observer_mutex_);
    if (observer_) observer_();
}

std::vector<kafka_store::instance_key> kafka_store::instance_keys() const {
    std::shared_lock lock(mutex_);
    std::vector<instance_key> out;
    for (const auto& [project_id, instances] : projects_) {
        for (const auto& [instance_id, inst] : instances) {
            std::shared_lock instance_lock(inst->mutex);
            out.push_back({project_id, instance_id, inst->spec.broker_num, inst->spec.kafka_port});
        }
    }
    return out;
}

// Control plane: snapshots, counts, per-project reset and restores.

std::vector<kafka_project_snapshot> kafka_store::snapshot(const std::optional<std::string>& project_id,
                                                          bool with_messages) const {
    std::vector<std::pair<std::string, std::vector<std::shared_ptr<instance>>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, instances] : projects_) {
            if (instances.empty() || (project_id && id != *project_id)) continue;
            auto& entry = found.emplace_back(id, std::vector<std::shared_ptr<instance>>{});
            for (const auto& [instance_id, inst] : instances) entry.second.push_back(inst);
        }
    }
    std::vector<kafka_project_snapshot> out;
    out.reserve(found.size());
    for (const auto& [id, instances] : found) {
        auto& project = out.emplace_back(kafka_project_snapshot{id, {}});
        for (const auto& inst : instances) {
            instance_spec spec;
            {
                std::shared_lock lock(inst->mutex);
                spec = inst->spec;
            }
            auto* data = inst->cluster->in_memory();
            if (data == nullptr) throw error(errc::not_supported, {.name = spec.instance_id});
            project.instances.push_back(instance_snapshot{
                std::move(spec), data->snapshot_topics(with_messages), data->snapshot_groups()});
        }
    }
    return out;
}

std::vector<log_extent> kafka_store::log_extents(const std::optional<std::string>& project_id,
                                                 const std::optional<std::string>& instance_id,
                                                 const log_filter* changed) const {
    std::vector<std::tuple<std::string, std::string, std::shared_ptr<kafka_cluster>>> found;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, instances] : projects_) {
            if (project_id && id != *project_id) continue;
            for (const auto& [key, inst] : instances) {
                if (!instance_id || key == *instance_id) found.emplace_back(id, key, inst->cluster);
            }
        }
    }
    std::vector<log_extent> out;
    for (const auto& [id, key, cluster] : found) {
        if (auto* data = cluster->in_memory()) data->log_extents({"kafka", id, key}, out, changed);
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
    kafka_counts out;
    out.instances = static_cast<std::int64_t>(found.size());
    for (const auto& inst : found) {
        const auto counted = inst->cluster->counts();
        out.topics += counted.topics;
        out.messages += counted.messages;
        out.group_members += counted.group_members;
        out.rebalances += counted.rebalances;
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
    {
        std::unique_lock lock(mutex_);
        projects_.erase(project_id);
    }
    instances_changed();
}

bool kafka_store::erase_instance(const std::string& project_id, const std::string& instance_id) {
    bool erased = false;
    {
        std::unique_lock lock(mutex_);
        const auto project = projects_.find(project_id);
        erased = project != projects_.end() && project->second.erase(instance_id) > 0;
    }
    if (erased) instances_changed();
    return erased;
}

// Each store keeps its observer: the listeners follow this store's registry, not the content.
void kafka_store::swap_contents(kafka_store& other) {
    if (&other == this) return;
    {
        std::scoped_lock lock(mutex_, other.mutex_);
        projects_.swap(other.projects_);
    }
    instances_changed();
    other.instances_changed();
}

}  // namespace emu::state
