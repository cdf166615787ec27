#!/usr/bin/env bash
# Copy the files git knows (tracked, and untracked but not ignored) into a real ansible_collections/<ns>/<name>
# directory: ansible-test refuses symlinks, and copying only git's files keeps venvs and caches out.
set -euo pipefail
src=$1
dest=$2
mkdir -p "$dest"
# ansible-test lists files with git when it finds a repository; the tree lives in the ignored .work/ of the
# checkout, so it gets a repository of its own (files untracked but not ignored are what ansible-test sees).
[ -d "$dest/.git" ] || git -C "$dest" init -q
cd "$src"
git ls-files -z --cached --others --exclude-standard | rsync -a --delete --from0 --files-from=- --delete-missing-args \
  --exclude tests/output ./ "$dest/"
# rsync --files-from does not delete files that vanished from the list; prune them against git's list.
comm -13 <(git ls-files --cached --others --exclude-standard | sort) \
         <(cd "$dest" && find . -type f ! -path './.git/*' ! -path './tests/output/*' ! -path './tests/integration/inventory' \
             ! -path './tests/integration/integration_config.yml' ! -name '*.pyc' | sed 's|^\./||' | sort) |
  while IFS= read -r stale; do rm -f "$dest/$stale"; done
