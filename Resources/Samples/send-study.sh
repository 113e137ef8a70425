#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sends one study by DICOM-Mail through Orthanc's REST API and waits for the
# send job to finish.
#
#   send-study.sh STUDY_ORTHANC_ID PARTNER [ORTHANC_URL]
#
# With authentication on, put the credentials in ORTHANC_AUTH ("user:password").
# Needs curl and python3 (only to read the JSON answers).
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 STUDY_ORTHANC_ID PARTNER [ORTHANC_URL]" >&2
  exit 2
fi
STUDY=$1
PARTNER=$2
ORTHANC=${3:-http://localhost:8042}
AUTH=""
if [ -n "${ORTHANC_AUTH:-}" ]; then
  AUTH="--user $ORTHANC_AUTH"
fi

json_field() {
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# The route answers at once: the job runs in Orthanc's job engine.
ANSWER=$(curl --silent --show-error --fail $AUTH -H 'Content-Type: application/json' \
  -d "{\"Resources\": [\"$STUDY\"], \"Partner\": \"$PARTNER\"}" "$ORTHANC/dicom-mail/send")
JOB=$(printf '%s' "$ANSWER" | json_field ID)
SET_ID=$(printf '%s' "$ANSWER" | json_field SetId)
echo "job $JOB, transfer $SET_ID"

while :; do
  STATE=$(curl --silent --show-error --fail $AUTH "$ORTHANC/jobs/$JOB" | json_field State)
  case "$STATE" in
    Success) break ;;
    Failure) echo "the send job failed: see $ORTHANC/jobs/$JOB" >&2; exit 1 ;;
  esac
  sleep 1
done

# The transfer as the sender records it (state, mails, acknowledgements).
curl --silent --show-error --fail $AUTH "$ORTHANC/dicom-mail/outbox/$SET_ID"
echo
