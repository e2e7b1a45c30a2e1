#!/bin/sh
# Nightly backup (shop-backup.service): a verified hot copy, kept locally for
# KEEP_DAYS days, and an off-site copy when RESTIC_REPOSITORY or
# RCLONE_REMOTE is set (in /etc/shop/backup.env, for example
#   RESTIC_REPOSITORY=s3:https://s3.eu-central-1.example.com/my-shop-backups
#   RESTIC_PASSWORD_FILE=/etc/shop/restic.pass
#   AWS_ACCESS_KEY_ID=...  AWS_SECRET_ACCESS_KEY=...
# or RCLONE_REMOTE=offsite:my-shop-backups with RCLONE_CONFIG=/etc/shop/rclone.conf).
# Any failure exits non-zero: systemctl status shop-backup shows it, and the
# sidecar alerts when no verified backup came in SHOP_BACKUP_EVERY.
set -eu
dir=${BACKUP_DIR:-/var/lib/shop-backup}
keep=${KEEP_DAYS:-14}
f="$dir/shop-$(date -u +%Y%m%dT%H%M%SZ).db"

# Writes the copy, opens it read-only, checks every page and record, and
# only then puts it in place and reports it to the sidecar.
shop backup -o "$f"

if [ -n "${RESTIC_REPOSITORY:-}" ]; then
	restic snapshots --quiet >/dev/null 2>&1 || restic init --quiet
	restic backup --quiet --tag shop "$f"
	restic forget --quiet --tag shop --keep-daily 14 --keep-weekly 8 --keep-monthly 12 --prune
fi
if [ -n "${RCLONE_REMOTE:-}" ]; then
	rclone copy --immutable "$f" "$RCLONE_REMOTE/"
fi

find "$dir" -maxdepth 1 -name 'shop-*.db' -mtime +"$keep" -delete
echo "backup $f done"
