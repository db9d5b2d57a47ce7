#!/usr/bin/python3
"""peer_simpy -- the peer-benchmark services written as a plain SimPy model.

`make bench-peer` (bench/peer.sh) runs this model and spotsim on the same
scenario files, bench/peer-fixed.json and bench/peer-tracking.json, and
compares their CPU time per replication (SPEC 8). It reads only the keys
those two files use and is meant to be what a SimPy user would write for
the same service, with the semantics of README "Simulation model":

  tasks         one process each: PROVISIONING (provisioning delay), PENDING
                (image pull + app start, billed from here), RUNNING until
                stopped; a stop is a simpy Interrupt. A RUNNING task stopped
                for scale-in drains for the deregistration delay, then exits
                min(shutdown, stopTimeout) after SIGTERM; an interrupted
                Spot task exits min(shutdown, stopTimeout) after the notice;
                a task not yet RUNNING stops at once.
  billing       per task from the start of the pull to STOPPED (or the end
                of the run), rounded up to the second, at least 60 s, at the
                us-east-1 rates of data/pricing.csv.
  scheduler     one process woken whenever something changes: keeps
                desiredCount active tasks, places each launch with the
                capacity provider strategy (base first, then the lowest
                tasks-beyond-base / weight, ties to the first listed), stays
                within 200 % of desired while old tasks drain, and scales in
                "balanced" (survivors keep the placement split; within a
                provider not-yet-RUNNING tasks first, then the newest).
  Spot          a process per Spot task sleeps an exponential lifetime
                (hazard -ln(1 - monthly_fraction) / 720 h, from the start of
                the pull) and then interrupts the task; the scheduler
                launches the replacement at the notice.
  load          Poisson requests as an M/M/c queue between changes of the
                serving count (Erlang C), re-read at each 20-second sample;
                CPU = min(100, idle + 100 lambda / (c mu)).
  sampler       every 20 s: accounts the load, takes a CPU sample; every
                third sample closes a minute (SLO check: nothing dropped)
                and sends the minute's datapoint (the average of its
                samples, none while no task runs) to the autoscaler.
  autoscaler    one process reading the datapoints from a simpy.Store:
                target tracking with AlarmHigh (> target, 3 of 3 minutes)
                and AlarmLow (< 0.9 x target, 15 of 15), new capacity
                ceil(running x metric / target), clamped to [min, max],
                scale-out and scale-in cooldowns as AWS describes them.

Not modelled, because they never bind in these two scenarios: launch
throttling, Spot capacity shortages, vCPU quotas, in-flight requests lost
at a stop, latency percentiles.

Prints the mean cost, tasks launched and other totals over the replications,
and the CPU time per replication (time.process_time, the model only).
"""

import argparse
import collections
import csv
import functools
import json
import math
import os
import random
import re
import sys
import time

import simpy

SAMPLE_S = 20.0
SAMPLES_PER_MINUTE = 3
FARGATE, SPOT = "FARGATE", "FARGATE_SPOT"
DEFAULT_DEREGISTRATION_S = 300.0
HIGH_POINTS, LOW_POINTS, LOW_FACTOR = 3, 15, 0.9

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(text):
    """"30d", "10s", "40ms", "1h30m" or a number of seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)", text)
    if not parts:
        raise ValueError("not a duration: %r" % text)
    return sum(float(n) * UNITS[u] for n, u in parts)


def hourly_rates(path, region, vcpu, gb):
    """Per-task hourly price on each provider (Linux x86, 20 GiB storage)."""
    rates = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = row["provider"]
            if row["region"] == region and row["os"] == "LINUX" and row["arch"] == "X86_64":
                rates.setdefault(key, vcpu * float(row["vcpu_hour"]) + gb * float(row["gb_hour"]))
    return rates


@functools.lru_cache(maxsize=65536)
def erlang_c(c, a):
    """P(wait) of an M/M/c queue with offered load a < c (Erlang B recursion)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


class Config:
    """The parts of a scenario file these services use."""

    def __init__(self, path, prices):
        with open(path) as f:
            sc = json.load(f)
        td = sc["taskDefinition"]
        self.name = sc["name"]
        self.duration = seconds(sc["duration"])
        self.vcpu = int(td["cpu"]) / 1024
        self.gb = int(td["memory"]) / 1024
        stop_timeout = max(c.get("stopTimeout", 30) for c in td["containerDefinitions"])
        svc = sc["service"]
        self.desired = svc["desiredCount"]
        self.items = [(i["capacityProvider"], i.get("base", 0), i.get("weight", 0))
                      for i in svc["capacityProviderStrategy"]]
        st = sc.get("startup", {})
        self.provisioning = seconds(st.get("provisioning", "10s"))
        self.pull = seconds(st.get("pull", "25s"))
        self.app_start = seconds(st.get("app_start", "5s"))
        w = sc["workload"]
        rate = w["rate"]
        self.rate_kind = rate["kind"]
        self.rps = rate.get("rps", 0)
        self.min_rps, self.max_rps = rate.get("min_rps", 0), rate.get("max_rps", 0)
        self.peak = seconds(rate.get("peak", "14:00").replace(":", "h") + "m")
        self.mu = 1.0 / seconds(w["service_time"])
        self.concurrency = w.get("concurrency_per_task", 1)
        self.timeout = seconds(w.get("timeout", 60))
        self.cpu_idle = w.get("cpu_idle_percent", 0)
        self.deregistration = seconds(w.get("deregistration_delay", DEFAULT_DEREGISTRATION_S))
        self.exit_delay = min(seconds(w.get("shutdown", stop_timeout)), stop_timeout)
        p = sc["spot"]["interruptions"]["monthly_fraction"]
        self.hazard_per_s = -math.log1p(-p) / 720.0 / 3600.0
        self.scaling = None
        if "scaling" in sc:
            s = sc["scaling"]
            tt = s["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]
            self.scaling = dict(min=s["MinCapacity"], max=s["MaxCapacity"],
                                target=tt["TargetValue"],
                                out_cooldown=tt.get("ScaleOutCooldown", 300),
                                in_cooldown=tt.get("ScaleInCooldown", 300))
        self.hourly = hourly_rates(prices, sc.get("region", "us-east-1"), self.vcpu, self.gb)


class Task:
    def __init__(self, svc, tid, item):
        self.svc = svc
        self.id = tid
        self.item = item
        self.provider = svc.cfg.items[item][0]
        self.state = "PROVISIONING"
        self.stopping = False
        self.pull_at = None
        self.process = svc.env.process(self.life())

    def life(self):
        env, svc, cfg = self.svc.env, self.svc, self.svc.cfg
        try:
            yield env.timeout(cfg.provisioning)
            self.state = "PENDING"
            self.pull_at = env.now
            if self.provider == SPOT:
                env.process(svc.spot_lifetime(self))
            yield env.timeout(cfg.pull + cfg.app_start)
            svc.load.account()
            self.state = "RUNNING"
            svc.serving += 1
            yield env.event()  # serves until stopped
        except simpy.Interrupt as stop:
            if self.state == "RUNNING":
                if stop.cause == "scale-in":
                    self.state = "DEACTIVATING"
                    yield env.timeout(cfg.deregistration)
                self.state = "STOPPING"
                yield env.timeout(cfg.exit_delay)
        self.state = "STOPPED"
        svc.stopped(self)


class Load:
    """Requests as an M/M/c queue, accounted between changes of the serving count."""

    def __init__(self, svc):
        self.svc = svc
        self.cfg = svc.cfg
        self.last = 0.0
        self.cpu = None
        self.requests = self.served = self.dropped = self.waited = self.wait_sum = 0.0
        self.task_seconds = 0.0
        self.minute_requests = self.minute_dropped = 0.0

    def rate(self, t):
        cfg = self.cfg
        if cfg.rate_kind == "constant":
            return cfg.rps
        phase = ((t % 86400.0) - cfg.peak) / 86400.0  # the run starts at midnight UTC
        return cfg.min_rps + (cfg.max_rps - cfg.min_rps) * (1 + math.cos(2 * math.pi * phase)) / 2

    def account(self):
        now = self.svc.env.now
        dt = now - self.last
        if dt <= 0:
            return
        lam = self.rate(self.last)
        n = self.svc.serving
        c = n * self.cfg.concurrency
        capacity = c * self.cfg.mu
        self.last = now
        self.task_seconds += n * dt
        self.requests += lam * dt
        self.minute_requests += lam * dt
        if c == 0:
            self.dropped += lam * dt
            self.minute_dropped += lam * dt
            self.cpu = None
            return
        if lam >= capacity:
            served = capacity * dt
            self.served += served
            self.dropped += (lam - capacity) * dt
            self.minute_dropped += (lam - capacity) * dt
            self.waited += served
            self.wait_sum += served * self.cfg.timeout
        else:
            served = lam * dt
            p_wait = erlang_c(c, lam / self.cfg.mu)
            self.served += served
            self.waited += p_wait * served
            self.wait_sum += p_wait / (capacity - lam) * served
        self.cpu = min(100.0, self.cfg.cpu_idle + 100.0 * lam / capacity)


class Service:
    def __init__(self, env, cfg, rng):
        self.env = env
        self.cfg = cfg
        self.rng = rng
        self.desired = cfg.desired
        self.tasks = []
        self.active = [0] * len(cfg.items)
        self.serving = 0
        self.next_id = 1
        self.launched = self.interruptions = self.activities = 0
        self.cost = collections.defaultdict(float)
        self.minutes = self.bad_minutes = 0
        self.load = Load(self)
        self.wake = env.event()
        self.datapoints = simpy.Store(env)
        env.process(self.scheduler())
        env.process(self.sampler())
        if cfg.scaling:
            env.process(self.autoscaler())
        self.poke()

    # ---- the ECS service scheduler ----

    def poke(self):
        if not self.wake.triggered:
            self.wake.succeed()

    def pick(self, counts):
        items = self.cfg.items
        for i, (_, base, _) in enumerate(items):
            if counts[i] < base:
                return i
        best = None
        for i, (_, base, weight) in enumerate(items):
            if weight <= 0:
                continue
            if best is None:
                best = i
                continue
            bb, wb = items[best][1], items[best][2]
            if max(0, counts[i] - base) * wb < max(0, counts[best] - bb) * weight:
                best = i
        return best

    def split(self, n):
        counts = [0] * len(self.cfg.items)
        for _ in range(n):
            counts[self.pick(counts)] += 1
        return counts

    def launch(self):
        item = self.pick(self.active)
        self.tasks.append(Task(self, self.next_id, item))
        self.next_id += 1
        self.active[item] += 1
        self.launched += 1

    def stop(self, task, cause):
        if task.state == "RUNNING":
            self.load.account()
            self.serving -= 1
        task.stopping = True
        self.active[task.item] -= 1
        task.process.interrupt(cause)
        self.poke()

    def scale_in(self, keep):
        target = self.split(keep)
        excess = sum(self.active) - keep
        lose = [0] * len(self.active)
        for first in (True, False):
            for i in range(len(lose)):
                want = min(excess, self.active[i] - (target[i] if first else lose[i]))
                if want > 0:
                    lose[i] += want
                    excess -= want
        for i, n in enumerate(lose):
            if n > 0:
                cand = [t for t in self.tasks if t.item == i and not t.stopping]
                cand.sort(key=lambda t: (t.state == "RUNNING", -t.id))
                for t in cand[:n]:
                    self.stop(t, "scale-in")

    def scheduler(self):
        while True:
            yield self.wake
            self.wake = self.env.event()
            if sum(self.active) > self.desired:
                self.scale_in(self.desired)
            ceiling = max(self.desired * 2, self.desired)
            while sum(self.active) < self.desired and len(self.tasks) < ceiling:
                self.launch()

    def bill(self, task, end):
        if task.pull_at is not None:
            billed = max(60, math.ceil(end - task.pull_at - 1e-6))
            self.cost[task.provider] += billed / 3600.0 * self.cfg.hourly[task.provider]

    def stopped(self, task):
        self.bill(task, self.env.now)
        self.tasks.remove(task)
        self.poke()

    def finish(self):
        self.load.account()
        for t in self.tasks:
            self.bill(t, self.cfg.duration)

    # ---- Fargate Spot ----

    def spot_lifetime(self, task):
        yield self.env.timeout(self.rng.expovariate(self.cfg.hazard_per_s))
        if not task.stopping and task.state in ("PENDING", "RUNNING"):
            self.interruptions += 1
            self.stop(task, "spot")

    # ---- metrics and Application Auto Scaling ----

    def sampler(self):
        samples, cpu = 0, []
        while True:
            yield self.env.timeout(SAMPLE_S)
            self.load.account()
            if self.serving > 0 and self.load.cpu is not None:
                cpu.append(self.load.cpu)
            samples += 1
            if samples % SAMPLES_PER_MINUTE:
                continue
            self.minutes += 1
            if self.load.minute_dropped > 0:
                self.bad_minutes += 1
            self.load.minute_requests = self.load.minute_dropped = 0.0
            if self.cfg.scaling:
                self.datapoints.put(sum(cpu) / len(cpu) if cpu else None)
            cpu = []

    @staticmethod
    def judge(window, points, breaches, state):
        present = [v for v in window if v is not None]
        if not present:
            return "INSUFFICIENT_DATA"
        if sum(1 for v in present if breaches(v)) >= points:
            return "ALARM"
        return "OK" if len(present) >= points else state

    def autoscaler(self):
        s = self.cfg.scaling
        target = s["target"]
        high = collections.deque(maxlen=HIGH_POINTS)
        low = collections.deque(maxlen=LOW_POINTS)
        high_state = low_state = "INSUFFICIENT_DATA"
        out_until = in_until = -math.inf
        out_asked = 0
        while True:
            metric = yield self.datapoints.get()
            now = self.env.now
            high.append(metric)
            low.append(metric)
            high_state = self.judge(high, HIGH_POINTS, lambda v: v > target, high_state)
            low_state = self.judge(low, LOW_POINTS, lambda v: v < LOW_FACTOR * target, low_state)
            if metric is None:
                continue  # missing data never scales
            running = self.serving
            wanted = math.ceil(max(running, 1) * metric / target - 1e-9)
            if high_state == "ALARM" and wanted > running:
                to = s["min"] if self.desired < s["min"] else min(max(wanted, s["min"]), s["max"])
                if (now >= out_until or to > out_asked) and to > self.desired:
                    self.activities += 1
                    out_until, out_asked, in_until = now + s["out_cooldown"], to, -math.inf
                    self.desired = to
                    self.poke()
            elif high_state != "ALARM" and low_state == "ALARM" and wanted < running:
                to = s["max"] if self.desired > s["max"] else min(max(wanted, s["min"]), s["max"])
                if now >= in_until and to < self.desired:
                    self.activities += 1
                    in_until = now + s["in_cooldown"]
                    self.desired = to
                    self.poke()


def replicate(cfg, seed, rep):
    env = simpy.Environment()
    svc = Service(env, cfg, random.Random(seed * 1000003 + rep))
    env.run(until=cfg.duration)
    svc.finish()
    ld = svc.load
    return {
        "cost_usd": sum(svc.cost.values()),
        "cost_fargate_usd": svc.cost[FARGATE],
        "cost_spot_usd": svc.cost[SPOT],
        "tasks_launched": svc.launched,
        "interruptions": svc.interruptions,
        "scaling_activities": svc.activities,
        "mean_running_tasks": ld.task_seconds / cfg.duration,
        "availability": 1 - svc.bad_minutes / svc.minutes if svc.minutes else float("nan"),
        "dropped_fraction": ld.dropped / ld.requests if ld.requests else float("nan"),
        "p_wait": ld.waited / ld.served if ld.served else float("nan"),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--replications", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prices", default=os.path.join(here, "..", "data", "pricing.csv"))
    args = ap.parse_args()
    cfg = Config(args.scenario, args.prices)
    results, cpu = [], 0.0
    for rep in range(args.replications):
        erlang_c.cache_clear()  # each replication pays for its own queueing figures
        t0 = time.process_time()
        results.append(replicate(cfg, args.seed, rep))
        cpu += time.process_time() - t0
    print("%s: SimPy %s, %d replications, mean:" % (cfg.name, simpy.__version__, len(results)))
    for key in results[0]:
        print("  %-20s %.6g" % (key, sum(r[key] for r in results) / len(results)))
    print("cpu_ms_per_replication %.3f" % (1000.0 * cpu / len(results)))


if __name__ == "__main__":
    sys.exit(main())
