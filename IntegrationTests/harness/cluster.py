# SPDX-License-Identifier: GPL-3.0-or-later
"""Several Orthancs of one site on one PostgreSQL database (#18), for the scale-out tests.

A private PostgreSQL cluster (Resources/test-postgres.sh: a temp directory, a Unix socket, no TCP port), and N
Orthanc processes that load this plugin and Orthanc's PostgreSQL index plugin (Debian `orthanc-postgresql`), all on
one index database, one shared storage directory and one database of the plugin's records.

    pg = Postgres(directory).start()
    nodes = start_plugin_nodes(pg, "node", [(http, dicom), ...], plugin_path, dicom_mail_config, directory)
    ...
    stop_nodes(nodes); pg.stop()

Until the site's keys live in the database (#22), every node needs the same site key: pass `gnupg_home`, a GnuPG
home each node gets a copy of (its own copy, since gpg-agent keeps sockets in it).
"""
import copy
import os
import shutil
import subprocess

from orthanc_server import OrthancServer

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST_POSTGRES = os.path.join(TOP, "Resources", "test-postgres.sh")
INDEX_PLUGIN = "/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so"


class Postgres:
    """A private PostgreSQL cluster of the tests; `conninfo(database)` is a libpq connection string."""

    def __init__(self, directory):
        self.directory = directory
        self.socket_dir = None

    def start(self):
        subprocess.run([TEST_POSTGRES, "start", self.directory], check=True)
        with open(os.path.join(self.directory, "cluster")) as f:
            self.socket_dir = f.read().strip()
        return self

    def stop(self):
        subprocess.run([TEST_POSTGRES, "stop", self.directory], check=False)

    def conninfo(self, database):
        return "host=%s user=postgres dbname=%s" % (self.socket_dir, database)

    def psql(self, database, sql):
        """Runs SQL and returns its unaligned output (rows separated by newlines, columns by '|')."""
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.conninfo(database),
                                 "-c", sql], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def create_database(self, name):
        """A fresh, empty database (dropped first if it exists)."""
        self.psql("postgres", 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        self.psql("postgres", 'CREATE DATABASE "%s"' % name)
        return name


def node_extra_config(pg, index_database, storage_directory, plugin_path):
    """Orthanc's own settings of one node: the PostgreSQL index (shared, without Orthanc's single-writer lock) and
    the shared storage directory."""
    return {
        "Plugins": [plugin_path, INDEX_PLUGIN],
        "StorageDirectory": storage_directory,
        "PostgreSQL": {
            "EnableIndex": True,
            "EnableStorage": False,
            "ConnectionUri": "postgresql:///%s?host=%s&user=postgres" % (index_database, pg.socket_dir),
            "Lock": False,   # several Orthancs on one index
        },
    }


def start_plugin_nodes(pg, prefix, ports, plugin_path, dicom_mail_config, directory, records_database="dicom_mail",
                       index_database="orthanc", gnupg_home=None, fresh=True, start=True):
    """N Orthancs "<prefix>1".."<prefix>N" with this plugin, on one PostgreSQL index, one storage directory and one
    database of the plugin's records. `ports`: one (http, dicom) pair per node. `dicom_mail_config`: the DicomMail
    section they share; each node gets its own StateDirectory/GnupgHome under `directory`, NodeName
    "<prefix>N" and the records database. `gnupg_home`: copied into every node (see the module's note). With
    `fresh`, both databases and the storage are created empty. Returns the OrthancServer objects (started unless
    `start` is False); a node that fails to start stops the ones already started."""
    storage = os.path.join(directory, "storage")
    if fresh:
        pg.create_database(records_database)
        pg.create_database(index_database)
        shutil.rmtree(storage, ignore_errors=True)
    os.makedirs(storage, exist_ok=True)
    nodes = []
    for number, (http_port, dicom_port) in enumerate(ports, start=1):
        name = "%s%d" % (prefix, number)
        node_dir = os.path.join(directory, name)
        state = os.path.join(directory, name + "-state")
        if fresh:
            shutil.rmtree(node_dir, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
        os.makedirs(state, exist_ok=True)
        config = copy.deepcopy(dicom_mail_config)
        config.update({
            "NodeName": name,
            "StateDirectory": state,
            "GnupgHome": os.path.join(state, "g"),
            "Database": {"Engine": "PostgreSQL", "ConnectionString": pg.conninfo(records_database)},
        })
        if gnupg_home and fresh:
            copy_gnupg_home(gnupg_home, config["GnupgHome"])
        nodes.append(OrthancServer(name, node_dir, http_port, dicom_port, plugin_path, config,
                                   node_extra_config(pg, index_database, storage, plugin_path)))
    if start:
        started = []
        try:
            for node in nodes:
                node.start()
                started.append(node)
        except Exception:
            stop_nodes(started)
            raise
    return nodes


def copy_gnupg_home(source, target):
    """A copy of a GnuPG home without gpg-agent's sockets and lock files."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("S.*", "*.lock", ".#lk*"), symlinks=True)
    os.chmod(target, 0o700)


def stop_nodes(nodes):
    for node in nodes:
        try:
            node.stop()
        except Exception:   # noqa: BLE001 - stop the others anyway
            node.kill()
