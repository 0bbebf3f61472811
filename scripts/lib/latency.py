#!/usr/bin/env python3
"""Publish-to-finding latency against a running stream (used by scripts/bench-latency.sh; standard library only).

Publishes to a Pub/Sub (emulator) topic, the way a Cloud Logging sink does: each message one LogEntry with current
timestamps and the logging.googleapis.com/timestamp attribute. Two phases:

  quiet  no other traffic; posture-weakening entries (SetLegacyAbac enabled, a single-entry rule) one every
         --spacing seconds.
  busy   ordinary k8s.io entries at --rate messages per second throughout; the same posture entries, and change
         bursts (--burst-size UpdateCluster calls one second apart on a cluster of their own: a stateful rule,
         change-burst) one every --spacing seconds.

Meanwhile it reads the pipeline's findings files as they appear and matches each finding to the injected entry by
its evidence insertId: latency = when the file holding the finding was first seen - when the entry's publish request
was sent (for a burst, its last change). Prints one JSON object with every sample and the summary figures.
"""
import argparse
import base64
import datetime
import json
import os
import sys
import threading
import time
import urllib.request

TIMESTAMP_ATTRIBUTE = "logging.googleapis.com/timestamp"
PROJECT = "bench-project"
LOCATION = "us-central1-a"


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cluster_manager(insert_id, method, cluster, request, principal):
    resource = f"projects/{PROJECT}/locations/{LOCATION}/clusters/{cluster}"
    entry = envelope(insert_id)
    return entry | {
        "operation": {"first": True, "id": f"operation-{insert_id}", "producer": "container.googleapis.com"},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": principal},
            "authorizationInfo": [{"granted": True, "permission": "container.clusters.update",
                                   "resource": resource}],
            "methodName": f"google.container.v1.ClusterManager.{method}",
            "request": dict(request, name=resource),
            "requestMetadata": {"callerIp": "10.20.30.40",
                                "callerSuppliedUserAgent": "google-cloud-sdk gcloud/502.0.0"},
            "resourceName": resource,
            "serviceName": "container.googleapis.com",
        },
        "receiveTimestamp": entry["timestamp"],
        "resource": {"labels": {"cluster_name": cluster, "location": LOCATION, "project_id": PROJECT},
                     "type": "gke_cluster"},
        "severity": "NOTICE",
    }


def kubernetes(insert_id):
    return envelope(insert_id) | {
        "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                         "methodName": "io.k8s.core.v1.configmaps.update", "serviceName": "k8s.io"},
        "resource": {"type": "k8s_cluster"},
    }


def envelope(insert_id):
    """What every entry has: its id, an Admin Activity log name, and the current time as its timestamp."""
    return {"insertId": insert_id, "logName": f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Factivity",
            "timestamp": now_rfc3339()}


class Publisher:
    def __init__(self, emulator, topic):
        self.url = f"{emulator}/v1/{topic}:publish"
        self.lock = threading.Lock()
        self.count = 0

    def publish(self, entries):
        """Publishes the entries in one request; returns the wall time the request was sent."""
        body = {"messages": [{"data": base64.b64encode(json.dumps(e).encode()).decode(),
                              "attributes": {TIMESTAMP_ATTRIBUTE: e["timestamp"]}} for e in entries]}
        sent = time.time()
        request = urllib.request.Request(self.url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        with self.lock:
            self.count += len(entries)
        return sent


class FindingsWatcher(threading.Thread):
    """Polls the findings directory; records when each (rule_id, evidence insertId) was first seen."""

    def __init__(self, directory):
        super().__init__(daemon=True)
        self.directory = directory
        self.seen_files = set()
        self.first_seen = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            self.scan()
            time.sleep(0.2)

    def scan(self):
        if not os.path.isdir(self.directory):
            return
        for dirpath, dirnames, filenames in os.walk(self.directory):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                path = os.path.join(dirpath, name)
                if name.startswith(".") or path in self.seen_files:
                    continue
                seen_at = time.time()
                self.seen_files.add(path)
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        if line.strip():
                            finding = json.loads(line)
                            with self.lock:
                                for insert_id in finding.get("evidence_insert_ids") or []:
                                    self.first_seen.setdefault((finding["rule_id"], insert_id), seen_at)

    def when(self, rule_id, insert_id):
        with self.lock:
            return self.first_seen.get((rule_id, insert_id))


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def background(publisher, rate, stop, prefix):
    """Ordinary traffic at `rate` messages per second, in batches of up to 10 per request."""
    sequence = 0
    batch = max(1, min(10, rate))
    interval = batch / rate
    next_at = time.time()
    while not stop.is_set():
        publisher.publish([kubernetes(f"{prefix}-{sequence + i}") for i in range(batch)])
        sequence += batch
        next_at += interval
        delay = next_at - time.time()
        if delay > 0:
            stop.wait(delay)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--findings", required=True, help="the pipeline's findings directory")
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--posture", type=int, default=20, help="posture-weakening entries per phase")
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-size", type=int, default=4)
    parser.add_argument("--spacing", type=float, default=2.0)
    parser.add_argument("--single-timeout", type=float, default=60.0)
    parser.add_argument("--stateful-timeout", type=float, default=900.0)
    args = parser.parse_args()

    run_id = f"{int(time.time())}"
    publisher = Publisher(args.emulator, args.topic)
    watcher = FindingsWatcher(args.findings)
    watcher.start()
    samples = {"quiet": {"posture-weakened": []}, "busy": {"posture-weakened": [], "change-burst": []}}

    def wait_for(rule_id, pending, timeout, phase):
        deadline = time.time() + timeout
        while pending and time.time() < deadline:
            for insert_id, sent in list(pending.items()):
                seen = watcher.when(rule_id, insert_id)
                if seen is not None:
                    samples[phase][rule_id].append(round(seen - sent, 2))
                    del pending[insert_id]
            time.sleep(0.2)
        return len(pending)

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True, file=sys.stderr)

    def inject_posture(phase):
        pending = {}
        for i in range(args.posture):
            insert_id = f"lat-{run_id}-{phase}-posture-{i}"
            entry = cluster_manager(insert_id, "SetLegacyAbac", f"{phase}-posture-{i % 3}", {"enabled": True},
                                    "alice@example.com")
            pending[insert_id] = publisher.publish([entry])
            time.sleep(args.spacing)
        return pending

    missed = {}
    # Quiet: nothing else published. The first entry also lets the pipeline finish its start-up.
    log(f"quiet phase: {args.posture} posture-weakening entries, one every {args.spacing} s")
    pending = inject_posture("quiet")
    missed["quiet posture-weakened"] = wait_for("posture-weakened", pending, args.single_timeout, "quiet")

    # Busy: ordinary traffic throughout, posture entries and change bursts injected.
    log(f"busy phase: {args.rate} msg/s of ordinary traffic")
    stop = threading.Event()
    started = time.time()
    count_before = publisher.count
    traffic = threading.Thread(target=background, args=(publisher, args.rate, stop, f"lat-{run_id}-k8s"), daemon=True)
    traffic.start()
    time.sleep(max(5.0, args.spacing))
    pending = inject_posture("busy")
    bursts = {}
    log(f"busy phase: {args.bursts} change bursts of {args.burst_size} changes")
    for b in range(args.bursts):
        for c in range(args.burst_size):
            insert_id = f"lat-{run_id}-burst-{b}-{c}"
            entry = cluster_manager(insert_id, "UpdateCluster", f"busy-burst-{run_id}-{b}",
                                    {"update": {"desiredLabels": {"change": str(c)}}},
                                    f"deployer-{b}@example.com")
            sent = publisher.publish([entry])
            time.sleep(1.0)
        bursts[insert_id] = sent  # latency counts from the change that completes the burst
        time.sleep(args.spacing)
    missed["busy posture-weakened"] = wait_for("posture-weakened", pending, args.single_timeout, "busy")
    log(f"busy phase: waiting up to {args.stateful_timeout:.0f} s for the change-burst findings")
    missed["busy change-burst"] = wait_for("change-burst", bursts, args.stateful_timeout, "busy")
    stop.set()
    traffic.join()
    busy_seconds = time.time() - started
    busy_messages = publisher.count - count_before
    watcher.stopping.set()

    summary = {}
    for phase, rules in samples.items():
        for rule_id, values in rules.items():
            key = f"{phase} {rule_id}"
            summary[key] = {
                "n": len(values), "missed": missed[key],
                "p50": percentile(values, 50) if values else None,
                "p95": percentile(values, 95) if values else None,
                "max": max(values) if values else None,
            }
    print(json.dumps({
        "published": publisher.count,
        "busy_seconds": round(busy_seconds, 1),
        "busy_published_per_second": round(busy_messages / busy_seconds, 1),
        "summary": summary,
        "samples": samples,
    }))


if __name__ == "__main__":
    main()
