#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "state/clock.hpp"
#include "state/kafka/cluster.hpp"
#include "state/kafka/memory_cluster.hpp"
#include "state/kafka/producers.hpp"
#include "state/kafka/types.hpp"
#include "state/storage_budget.hpp"

namespace emu::state {

class reclaimer;

// DMS for Kafka's instance registry: projects -> instances, each a management object (name, status,
// quota, the address its clients connect to) that owns a Kafka cluster with the data. REST handlers take
// an instance's cluster from here and call it; the registry itself never touches topics or logs.
// Thread-safe. Lock order: mutex_ -> an instance's mutex -> its cluster's locks.
class kafka_store {
  public:
    // Messages are charged to `budget` (shared with the DIS store); none: no cap.
    explicit kafka_store(clock_fn clock = system_now_ms, std::shared_ptr<storage_budget> budget = nullptr);
    ~kafka_store();
    kafka_store(const kafka_store&) = delete;
    kafka_store& operator=(const kafka_store&) = delete;

    instance_info create_instance(const std::string& project_id, instance_spec spec);
    instance_info get_instance(const std::string& project_id, const std::string& instance_id) const;
    std::vector<instance_info> list_instances(const std::string& project_id) const;  // newest first
    // Refused while the instance is being changed (CREATING, RESTARTING, ...). Its cluster goes with it.
    void delete_instance(const std::string& project_id, const std::string& instance_id);

    // The instance's Kafka cluster, whatever the instance's status (reads, topic creation).
    std::shared_ptr<kafka_cluster> cluster(const std::string& project_id,
                                           const std::string& instance_id) const;
    // The cluster of a RUNNING instance; any other status is errc::instance_not_running (writes).
    std::shared_ptr<kafka_cluster> running_cluster(const std::string& project_id,
                                                   const std::string& instance_id) const;
    // The in-memory cluster, for what only it can do (fixtures, snapshots, restores): errc::not_supported
    // when the instance's cluster is of another kind.
    memory_cluster& memory(const std::string& project_id, const std::string& instance_id) const;

    // UpdateInstanceAutoCreateTopic: whether Metadata and Produce create unknown topics.
    void set_auto_create_topic(const std::string& project_id, const std::string& instance_id, bool enabled);
    // ModifyInstanceConfigs: `change` edits the auto-creation switch and the broker settings under the
    // instance's lock, so concurrent changes of different settings both hold. It must not throw.
    void update_configs(const std::string& project_id, const std::string& instance_id,
                        const std::function<void(bool& enable_auto_topic, broker_configs& configs)>& change);

    // The producers the instance's listeners have seen; it goes with the instance.
    std::shared_ptr<producer_registry> producers(const std::string& project_id,
                                                 const std::string& instance_id) const;

    // Where clients reach every instance's brokers unless a listener reports one of its own.
    void set_default_address(broker_address address);
    // The address a listener bound for this instance; ShowInstance reports it from then on.
    void set_address(const std::string& project_id, const std::string& instance_id, broker_address address);
    // Why the instance's listener could not open (its pinned port is taken, say); the next set_address
    // clears it. Unknown instances are ignored.
    void set_listen_error(const std::string& project_id, const std::string& instance_id, std::string error);
    // The instances whose listener could not open, as "instance <id>: <why>", sorted.
    std::vector<std::string> listen_errors() const;

    // Where the group coordinators of instances created from now on run their timeouts (the server's event
    // loop); none: they never fire.
    void set_timers(std::shared_ptr<timer_service> timers);

    void reset();

    // Called after instances come or go (create, delete, reset, erase, swap), on the thread that changed
    // them, with no lock of the store held: a Kafka listener per instance follows the registry through it.
    // Calls are serialized. Empty: none.
    void set_instances_observer(std::function<void()> observer);
    struct instance_key {
        std::string project_id;
        std::string instance_id;
        std::int32_t brokers = 0;                // broker_num
        std::optional<std::int32_t> kafka_port;  // pinned by a fixture
    };
    // Every instance, sorted by project, then id.
    std::vector<instance_key> instance_keys() const;

    // Control plane: snapshots, counts, per-project reset and restores.

    // Every project with at least one instance (or only `project_id`), sorted by id. Each partition is copied
    // under its own lock after retention is applied, so a snapshot taken while requests run is consistent per
    // partition, not across the store.
    // Without `with_messages`, partitions come without their messages (--data-dir keeps those apart).
    std::vector<kafka_project_snapshot> snapshot(const std::optional<std::string>& project_id = std::nullopt,
                                                 bool with_messages = true) const;
    kafka_counts counts() const;
    // Projects with at least one instance, sorted.
    std::vector<std::string> project_ids() const;
    void reset_project(const std::string& project_id);
    // --data-dir: the partition logs of every in-memory instance (or one project's), named ("kafka",
    // project, instance id, topic, partition).
    // With `instance_id`, only that instance's; with `changed`, only the logs it accepts.
    std::vector<log_extent> log_extents(const std::optional<std::string>& project_id = std::nullopt,
                                        const std::optional<std::string>& instance_id = std::nullopt,
                                        const log_filter* changed = nullptr) const;
    // Removes an instance whatever its status; false when there is none.
    bool erase_instance(const std::string& project_id, const std::string& instance_id);
    // Exchanges the whole content with `other` in one step; each store keeps its clock.
    void swap_contents(kafka_store& other);
    std::int64_t now_ms() const { return clock_(); }

    struct instance;

  private:
    std::shared_ptr<instance> find_instance(const std::string& project_id,
                                            const std::string& instance_id) const;

    clock_fn clock_;
    std::shared_ptr<storage_budget> budget_;
    // Frees the records that delete_records cut off; shared with every cluster, so it outlives them.
    std::shared_ptr<reclaimer> reclaimer_;
    std::shared_ptr<timer_service> timers_;  // guarded by mutex_
    mutable std::shared_mutex
        mutex_;  // guards projects_ (the map, not the instances in it) and default_address_
    std::map<std::string, std::map<std::string, std::shared_ptr<instance>>> projects_;
    broker_address default_address_;

    void instances_changed() const;
    mutable std::mutex observer_mutex_;  // guards observer_ and serializes its calls
    std::function<void()> observer_;
};

}  // namespace emu::state
