// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/StoreSchema.h"

#include "Core/Common/Error.h"
#include "Core/Store/Transaction.h"

namespace DicomMail
{
  namespace StoreSchema
  {
    namespace
    {
      // Entry i takes the schema from version i to version i + 1. Never edit
      // a released entry: append a new one.
      const char* const kMigrations[] =
      {
        // Version 1
        R"SQL(
        CREATE TABLE partners (
          name             TEXT PRIMARY KEY,
          addresses        TEXT NOT NULL,
          fingerprint      TEXT NOT NULL,
          max_mail_size    INTEGER NOT NULL,
          acknowledgements INTEGER NOT NULL,
          compression      INTEGER NOT NULL
        );

        CREATE TABLE outbox_transfers (
          set_id          TEXT PRIMARY KEY,
          partner         TEXT NOT NULL,
          recipient       TEXT NOT NULL,
          study_uids      TEXT NOT NULL,
          resources       TEXT NOT NULL,
          created         TEXT NOT NULL,
          finished        TEXT NOT NULL,
          state           TEXT NOT NULL,
          reason          TEXT NOT NULL,
          total_instances INTEGER NOT NULL,
          total_mails     INTEGER NOT NULL,
          bytes_sent      INTEGER NOT NULL,
          job_id          TEXT NOT NULL,
          ack_requested   INTEGER NOT NULL
        );
        CREATE INDEX outbox_transfers_by_created ON outbox_transfers (created);

        CREATE TABLE outbox_mails (
          set_id          TEXT NOT NULL REFERENCES outbox_transfers (set_id) ON DELETE CASCADE,
          part            INTEGER NOT NULL,
          message_id      TEXT NOT NULL,
          state           TEXT NOT NULL,
          instances       TEXT NOT NULL,
          bytes           INTEGER NOT NULL,
          attempts        INTEGER NOT NULL,
          sent_at         TEXT NOT NULL,
          duration_ms     INTEGER NOT NULL,
          ack_disposition TEXT NOT NULL,
          ack_at          TEXT NOT NULL,
          reason          TEXT NOT NULL,
          fragments       INTEGER NOT NULL,
          PRIMARY KEY (set_id, part)
        );
        CREATE INDEX outbox_mails_by_message_id ON outbox_mails (message_id);
        CREATE INDEX outbox_mails_by_state ON outbox_mails (state, sent_at);

        CREATE TABLE inbox_transfers (
          set_id                   TEXT PRIMARY KEY,
          partner                  TEXT NOT NULL,
          sender_address           TEXT NOT NULL,
          signer_fingerprint       TEXT NOT NULL,
          mails_expected           INTEGER NOT NULL,
          mails_received           INTEGER NOT NULL,
          instances_imported       INTEGER NOT NULL,
          instances_failed         INTEGER NOT NULL,
          instances_already_stored INTEGER NOT NULL,
          first_received           TEXT NOT NULL,
          completed_at             TEXT NOT NULL,
          sender_date              TEXT NOT NULL,
          last_import_at           TEXT NOT NULL,
          bytes                    INTEGER NOT NULL,
          state                    TEXT NOT NULL,
          reasons                  TEXT NOT NULL
        );
        CREATE INDEX inbox_transfers_by_first_received ON inbox_transfers (first_received);

        -- No foreign key to inbox_transfers: a mail rejected before decryption
        -- may have no (authenticated) set id at all.
        CREATE TABLE inbox_mails (
          id           INTEGER PRIMARY KEY,
          set_id       TEXT NOT NULL,
          part         INTEGER NOT NULL,
          total        INTEGER NOT NULL,
          message_id   TEXT NOT NULL,
          account      TEXT NOT NULL,
          mailbox_uid  TEXT NOT NULL,
          state        TEXT NOT NULL,
          reason       TEXT NOT NULL,
          received_at  TEXT NOT NULL,
          processed_at TEXT NOT NULL,
          disposition  TEXT NOT NULL,
          bytes        INTEGER NOT NULL,
          stored_path  TEXT NOT NULL,
          mdn_sent     INTEGER NOT NULL
        );
        CREATE INDEX inbox_mails_by_set ON inbox_mails (set_id, part);
        CREATE INDEX inbox_mails_by_state ON inbox_mails (state);

        CREATE TABLE seen_messages (
          account   TEXT NOT NULL,
          server_id TEXT NOT NULL,
          outcome   TEXT NOT NULL,
          seen_at   TEXT NOT NULL,
          PRIMARY KEY (account, server_id)
        );

        CREATE TABLE fragments (
          partial_id  TEXT NOT NULL,
          number      INTEGER NOT NULL,
          total       INTEGER NOT NULL,
          account     TEXT NOT NULL,
          server_id   TEXT NOT NULL,
          set_id      TEXT NOT NULL,
          set_part    INTEGER NOT NULL,
          received_at TEXT NOT NULL,
          path        TEXT NOT NULL,
          PRIMARY KEY (partial_id, number)
        );

        CREATE TABLE routing_sent (
          rule        TEXT NOT NULL,
          partner     TEXT NOT NULL,
          study_uid   TEXT NOT NULL,
          instance_id TEXT NOT NULL,
          sent_at     TEXT NOT NULL,
          PRIMARY KEY (partner, study_uid, instance_id)
        );

        CREATE TABLE routing_received (
          study_uid   TEXT NOT NULL,
          partner     TEXT NOT NULL,
          received_at TEXT NOT NULL,
          PRIMARY KEY (study_uid, partner)
        );
        )SQL",

        // Version 2: the Message-ID of each fragment, so an incomplete set
        // can be reported under the mails the admin sees in the mailbox.
        R"SQL(
        ALTER TABLE fragments ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
        )SQL",

        // Version 3: acknowledgements to send, written with the outcome of
        // the mail they answer, so none is lost to a crash
        // (AcknowledgementQueueStore).
        // inbox_mails.mdn_sent is set when one is sent.
        R"SQL(
        CREATE TABLE acknowledgement_queue (
          id                  INTEGER PRIMARY KEY,
          mail_id             INTEGER NOT NULL,
          recipient           TEXT NOT NULL,
          original_message_id TEXT NOT NULL,
          disposition         TEXT NOT NULL,
          set_id              TEXT NOT NULL,
          set_part            TEXT NOT NULL,
          detail              TEXT NOT NULL,
          reporting_ua        TEXT NOT NULL,
          final_recipient     TEXT NOT NULL,
          created_at          TEXT NOT NULL,
          attempts            INTEGER NOT NULL,
          next_attempt_at     TEXT NOT NULL,
          last_error          TEXT NOT NULL,
          last_attempt_at     TEXT NOT NULL,
          sent_at             TEXT NOT NULL
        );
        CREATE INDEX acknowledgement_queue_pending ON acknowledgement_queue (sent_at, next_attempt_at);
        )SQL",

        // Version 4: a partner's name for people (UTF-8, '' = its id), and the
        // display name of a received mail's From (clear text, unauthenticated).
        R"SQL(
        ALTER TABLE partners ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE inbox_mails ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
        )SQL",

        // Version 5: the clear X-TELEMEDICINE-SETID of a mail that was not
        // authenticated: shown as its claim, never filed under that transfer.
        R"SQL(
        ALTER TABLE inbox_mails ADD COLUMN claimed_set_id TEXT NOT NULL DEFAULT '';
        )SQL",

        // Version 6: the size of each fragment, so a message/partial group
        // is bounded by Limits.MaxMailBytes while it grows.
        R"SQL(
        ALTER TABLE fragments ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        )SQL",

        // Version 7: acknowledgements received are listed with the other
        // mails taken from a mailbox, marked as such.
        R"SQL(
        ALTER TABLE inbox_mails ADD COLUMN acknowledgement INTEGER NOT NULL DEFAULT 0;
        )SQL",

        // Version 8: the page filters transfers by partner and state, newest
        // first, over years of them, links each received one to its studies, and
        // records who compared a key's fingerprint by phone.
        R"SQL(
        CREATE INDEX outbox_transfers_by_partner ON outbox_transfers (partner, created);
        CREATE INDEX outbox_transfers_by_state ON outbox_transfers (state, created);
        CREATE INDEX inbox_transfers_by_partner ON inbox_transfers (partner, first_received);
        CREATE INDEX inbox_transfers_by_state ON inbox_transfers (state, first_received);
        -- The Orthanc studies each received transfer went into, for links to them.
        CREATE TABLE inbox_studies (
          set_id   TEXT NOT NULL,
          study_id TEXT NOT NULL,
          PRIMARY KEY (set_id, study_id)
        );
        -- Who compared a key's fingerprint with its owner, and when.
        CREATE TABLE key_comparisons (
          fingerprint TEXT PRIMARY KEY,
          compared_by TEXT NOT NULL,
          method      TEXT NOT NULL,
          compared_at TEXT NOT NULL
        );
        )SQL",

        // Version 9: what a partner's signed acknowledgement said its receiver
        // reads (#15), for partners of the configuration file too, hence not
        // a column of "partners". The fingerprint is the key that signed it:
        // a partner record given another key has learned nothing.
        R"SQL(
        CREATE TABLE partner_capabilities (
          partner            TEXT PRIMARY KEY,
          signer_fingerprint TEXT NOT NULL,
          binary_parts_since TEXT NOT NULL
        );
        )SQL",

        // Version 10: the transfer that carried each routed instance, so a
        // rule sends again what went with a transfer that failed for good;
        // the SOP Instance UIDs of each outbox mail and the DICOM bytes of
        // its transfer, resolved once at submission for the job's manifests.
        R"SQL(
        ALTER TABLE routing_sent ADD COLUMN set_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox_mails ADD COLUMN sop_uids TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox_transfers ADD COLUMN total_bytes INTEGER NOT NULL DEFAULT 0;
        )SQL",

        // Version 11: the gateway hands each complete received transfer on
        // to a DICOM node (#23), in the order they completed (ForwardStore),
        // and knows which Orthanc instances each transfer brought.
        R"SQL(
        CREATE TABLE forwards (
          id              INTEGER PRIMARY KEY,
          set_id          TEXT NOT NULL UNIQUE,
          modality        TEXT NOT NULL,
          state           TEXT NOT NULL,
          queued_at       TEXT NOT NULL,
          attempts        INTEGER NOT NULL,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT NOT NULL,
          last_attempt_at TEXT NOT NULL,
          job_id          TEXT NOT NULL,
          instances       INTEGER NOT NULL,
          forwarded_at    TEXT NOT NULL,
          deleted         INTEGER NOT NULL
        );
        CREATE INDEX forwards_by_state ON forwards (state, id);
        CREATE TABLE forward_instances (
          set_id      TEXT NOT NULL,
          instance_id TEXT NOT NULL,
          PRIMARY KEY (set_id, instance_id)
        );
        CREATE INDEX forward_instances_by_instance ON forward_instances (instance_id);
        )SQL",

        // Version 12: the folder other than the first polled one (a spam
        // folder) where an authenticated mail was found.
        R"SQL(
        ALTER TABLE inbox_mails ADD COLUMN found_in TEXT NOT NULL DEFAULT '';
        )SQL",

        // Version 13: notices to people (#20), at most one per transfer and
        // kind ever, whatever restarts and polls happen (NoticeStore); how far
        // the records were looked through for them; and a REST partner's own
        // "Notices" settings (JSON, '' = none).
        R"SQL(
        CREATE TABLE notices (
          id              INTEGER PRIMARY KEY,
          set_id          TEXT NOT NULL,
          kind            TEXT NOT NULL,
          recipients      TEXT NOT NULL,
          state           TEXT NOT NULL,
          created_at      TEXT NOT NULL,
          attempts        INTEGER NOT NULL,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT NOT NULL,
          sent_at         TEXT NOT NULL,
          UNIQUE (set_id, kind)
        );
        CREATE INDEX notices_due ON notices (state, next_attempt_at);
        CREATE TABLE notice_scan (
          id            INTEGER PRIMARY KEY CHECK (id = 1),
          scanned_until TEXT NOT NULL
        );
        CREATE INDEX inbox_transfers_by_completed_at ON inbox_transfers (completed_at);
        CREATE INDEX outbox_transfers_by_finished ON outbox_transfers (finished);
        ALTER TABLE partners ADD COLUMN notices TEXT NOT NULL DEFAULT '';
        )SQL",

        // Version 14: quality assurance after DIN 6868-159 (#17). Daily test
        // transfers are marked in both transfer tables, so the clinical
        // lists leave them out; the receiver's completion time (ms, from its
        // signed acknowledgement) and our own in milliseconds; the schedules
        // edited over REST (JSON as PUT) and the sender's record of each
        // daily test. Times in ms since the epoch, 0 for "not yet".
        R"SQL(
        ALTER TABLE outbox_transfers ADD COLUMN qa_test INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE inbox_transfers ADD COLUMN qa_test INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE inbox_transfers ADD COLUMN completed_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox_mails ADD COLUMN receiver_completed_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE acknowledgement_queue ADD COLUMN completed_ms INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE qa_schedules (
          partner  TEXT PRIMARY KEY,
          schedule TEXT NOT NULL
        );
        CREATE TABLE qa_daily_tests (
          set_id                TEXT PRIMARY KEY,
          partner               TEXT NOT NULL,
          test_day              TEXT NOT NULL,
          trigger               TEXT NOT NULL,
          test_data             TEXT NOT NULL,
          instances             INTEGER NOT NULL,
          dicom_bytes           INTEGER NOT NULL,
          started_ms            INTEGER NOT NULL,
          deadline_ms           INTEGER NOT NULL,
          acknowledged_ms       INTEGER NOT NULL,
          receiver_completed_ms INTEGER NOT NULL,
          state                 TEXT NOT NULL,
          reason                TEXT NOT NULL,
          alert                 TEXT NOT NULL
        );
        CREATE INDEX qa_daily_tests_by_partner ON qa_daily_tests (partner, started_ms);
        CREATE INDEX qa_daily_tests_by_state ON qa_daily_tests (state, deadline_ms);
        )SQL",

        // Version 15 (#19): the transfer syntax a partner's instances are
        // sent in ('' = as stored); whether each outbox mail is compressed
        // inside OpenPGP, decided when it was planned, so the encryption
        // agrees with the plan; and what happened to its instances on the
        // way out (transcoded, or sent as stored and why), counted per mail
        // so that composing a mail again replaces its counts; whether a
        // partner gets pseudonymised copies, and the pseudonyms given.
        R"SQL(
        ALTER TABLE partners ADD COLUMN transfer_syntax TEXT NOT NULL DEFAULT '';
        ALTER TABLE partners ADD COLUMN pseudonymise INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox_mails ADD COLUMN compress INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE outbox_instance_notes (
          set_id TEXT NOT NULL REFERENCES outbox_transfers (set_id) ON DELETE CASCADE,
          part   INTEGER NOT NULL,
          note   TEXT NOT NULL,
          count  INTEGER NOT NULL,
          PRIMARY KEY (set_id, part, note)
        );
        -- Pseudonymised copies (#19): the mapping stays here, never in a
        -- mail. One pseudonym per partner and patient; its secret derives
        -- the copies' UIDs (PseudonymUids) and is never answered by REST.
        CREATE TABLE pseudonyms (
          partner    TEXT NOT NULL,
          patient_id TEXT NOT NULL,
          pseudonym  TEXT NOT NULL UNIQUE,
          secret     TEXT NOT NULL,
          created    TEXT NOT NULL,
          PRIMARY KEY (partner, patient_id)
        );
        -- The studies sent under a pseudonym, to match what comes back.
        CREATE TABLE pseudonym_studies (
          pseudonym          TEXT NOT NULL REFERENCES pseudonyms (pseudonym) ON DELETE CASCADE,
          original_study_uid TEXT NOT NULL,
          study_uid          TEXT NOT NULL,
          set_id             TEXT NOT NULL,
          PRIMARY KEY (pseudonym, original_study_uid)
        );
        )SQL",

        // Version 16 (#17): the monthly measurement after DIN 6868-159, one
        // row per test transfer sent (outbox qa_test = 2 marks it there).
        // Times in ms since the epoch, 0 for "not yet"; wire bytes are the
        // mails' sizes as sent.
        R"SQL(
        CREATE TABLE qa_monthly_measurements (
          set_id                TEXT PRIMARY KEY,
          partner               TEXT NOT NULL,
          month                 TEXT NOT NULL,
          trigger               TEXT NOT NULL,
          test_data             TEXT NOT NULL,
          instances_expected    INTEGER NOT NULL,
          instances_arrived     INTEGER NOT NULL,
          dicom_bytes           INTEGER NOT NULL,
          wire_bytes            INTEGER NOT NULL,
          started_ms            INTEGER NOT NULL,
          deadline_ms           INTEGER NOT NULL,
          acknowledged_ms       INTEGER NOT NULL,
          receiver_completed_ms INTEGER NOT NULL,
          state                 TEXT NOT NULL,
          reason                TEXT NOT NULL
        );
        CREATE INDEX qa_monthly_by_partner ON qa_monthly_measurements (partner, started_ms);
        )SQL",

        // Version 17: image-quality confirmations of QA tests (#17). The
        // receiver's: given on a received test, and whether the signed mail
        // back left (sends tried, and when the next may be); the sender's:
        // reported by the partner for a test we sent. Times in ms since the
        // epoch, 0 for "not yet".
        R"SQL(
        CREATE TABLE qa_image_quality_given (
          set_id       TEXT PRIMARY KEY,
          partner      TEXT NOT NULL,
          confirmed_by TEXT NOT NULL,
          confirmed_ms INTEGER NOT NULL,
          reported_ms  INTEGER NOT NULL,
          report_error TEXT NOT NULL,
          attempts     INTEGER NOT NULL DEFAULT 0,
          next_attempt_ms INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE qa_image_quality_reported (
          set_id       TEXT PRIMARY KEY,
          partner      TEXT NOT NULL,
          signer       TEXT NOT NULL,
          confirmed_by TEXT NOT NULL,
          confirmed_ms INTEGER NOT NULL,
          received_ms  INTEGER NOT NULL
        );
        )SQL",

        // Version 18 (#17): when a sent transfer began, in ms, so the QA
        // report times real transfers as closely as its tests ("created"
        // has whole seconds); 0 in the records from before.
        R"SQL(
        ALTER TABLE outbox_transfers ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
        )SQL",

        // Version 19: key rotations (#22). owner '' is our own site key,
        // else the partner's name. The old key counts until until_ms; ours
        // is retired (its secret part deleted) at retired_ms, 0 for not yet.
        R"SQL(
        CREATE TABLE key_rotations (
          owner           TEXT NOT NULL,
          old_fingerprint TEXT NOT NULL,
          new_fingerprint TEXT NOT NULL,
          rotated_ms      INTEGER NOT NULL,
          until_ms        INTEGER NOT NULL,
          retired_ms      INTEGER NOT NULL,
          PRIMARY KEY (owner, old_fingerprint)
        );
        )SQL",

        // Version 20 (#18): several nodes on one database. Each node's
        // heartbeat (its incarnation changes at every start, so a restarted
        // node never passes for its dead predecessor); which node polls each
        // mailbox, for the status; and the claim of each mail a node works
        // on, which decides who imports and acknowledges it.
        R"SQL(
        CREATE TABLE cluster_nodes (
          name         TEXT PRIMARY KEY,
          incarnation  TEXT NOT NULL,
          started_ms   INTEGER NOT NULL,
          heartbeat_ms INTEGER NOT NULL
        );
        CREATE TABLE mailbox_holders (
          mailbox      TEXT PRIMARY KEY,
          node         TEXT NOT NULL,
          incarnation  TEXT NOT NULL,
          since_ms     INTEGER NOT NULL
        );
        CREATE TABLE mail_claims (
          mailbox      TEXT NOT NULL,
          mail_key     TEXT NOT NULL,
          node         TEXT NOT NULL,
          incarnation  TEXT NOT NULL,
          claimed_ms   INTEGER NOT NULL,
          PRIMARY KEY (mailbox, mail_key)
        );
        CREATE TABLE cluster_identity (
          id           INTEGER PRIMARY KEY,
          claim_owner  TEXT NOT NULL
        );
        )SQL",

        // Version 21 (#18, keys on every node): the keyring every node's
        // GnuPG home follows. One row per primary key: the public key with
        // its local certifications, our own secret keys as gpg exports them
        // (still protected by the site passphrase), the key's ownertrust
        // line; "generation" is the counter's value when the row last
        // changed, so a node reads only what is newer than what it has.
        R"SQL(
        CREATE TABLE key_material (
          fingerprint TEXT PRIMARY KEY,
          public_key  TEXT NOT NULL,
          secret_key  TEXT NOT NULL,
          ownertrust  TEXT NOT NULL,
          deleted     INTEGER NOT NULL,
          generation  INTEGER NOT NULL
        );
        CREATE INDEX key_material_by_generation ON key_material (generation);
        CREATE TABLE key_material_counter (
          name       TEXT PRIMARY KEY,
          generation INTEGER NOT NULL
        );
        INSERT INTO key_material_counter (name, generation) VALUES ('keys', 0);
        )SQL",

        // Version 22 (#18, sending on several nodes): who works what. The
        // queues' rows (mails awaiting an acknowledgement, our MDNs,
        // forwards, notices) are claimed by one node until claimed_until
        // (seconds since the epoch, 0: free). A transfer that needs a send
        // job belongs to the node whose job sends it (claimed_by, lease
        // renewed while that node lives); send_run counts the jobs started
        // for it, so a job of an earlier run, resumed by a node that came
        // back, knows it was superseded. An auto-routing record with
        // claimed_until > 0 is a rule's claim on the instance before its
        // transfer exists.
        R"SQL(
        ALTER TABLE outbox_mails ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox_mails ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE acknowledgement_queue ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE acknowledgement_queue ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE forwards ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE forwards ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE notices ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE notices ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox_transfers ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox_transfers ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox_transfers ADD COLUMN send_run INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE routing_sent ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
        )SQL",
      };

      const int kLatest = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
    }

    int LatestVersion()
    {
      return kLatest;
    }

    void Migrate(Database& db)
    {
      if (db.GetUserVersion() == kLatest)
      {
        return;  // the usual case: no need for the write lock
      }

      // Reading the version inside the write transaction, under the schema
      // lock: two connections (or two nodes) opening a new database at once
      // cannot both create the tables.
      Transaction transaction(db);
      const int current = db.GetUserVersion();
      if (current == kLatest)
      {
        return;  // nothing written: the rollback in the destructor is a no-op
      }
      if (current > kLatest || current < 0)
      {
        throw Error(ErrorKind::Storage, "Database " + db.GetPath() + " has schema version " +
                    std::to_string(current) + ", this plugin knows versions up to " +
                    std::to_string(kLatest) + " (written by a newer plugin?)");
      }
      for (int version = current; version < kLatest; version++)
      {
        db.Execute(db.Dialect().Schema(kMigrations[version]));
      }
      db.SetUserVersion(kLatest);
      transaction.Commit();
    }
  }
}
