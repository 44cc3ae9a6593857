# bash completion for ikelab (installed as share/bash-completion/completions/ikelab)

_ikelab_scenarios() {
  # The first column of `ikelab list` (its header line skipped).
  ikelab list 2>/dev/null | awk 'NR > 1 { print $1 }'
}

# Folders (-d) or files; bash-completion's _filedir when it is loaded.
_ikelab_files() {
  if declare -F _filedir >/dev/null; then _filedir "$@"
  elif [[ $1 == -d ]]; then COMPREPLY=($(compgen -d -- "$cur"))
  else COMPREPLY=($(compgen -f -- "$cur")); fi
}

_ikelab() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  fi
  local commands="diagnose run list cleanup corpus replay"
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      diagnose | run | list | cleanup | corpus | replay) command=${words[i]}; break ;;
    esac
  done
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --rules | --scenarios | --expected | --out | --scenario-dir | --expected-dir)
      _ikelab_files -d; return ;;
    --junit | --json | --follow | --variants-file | --log | --html | --journal-file | --report)
      [[ $command == diagnose && $prev == --json ]] || { _ikelab_files; return; } ;;
    --ike) COMPREPLY=($(compgen -W "1 2" -- "$cur")); return ;;
    --as) COMPREPLY=($(compgen -W "initiator responder" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
    --initiator-daemon | --responder-daemon)
      COMPREPLY=($(compgen -W "$(ikelab list --daemons 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur")); return ;;
    -j | --jobs | --settle | --idle | --stop-after | --threads | --max-skew | --journal | --vici | --variants | --seed | --shard | --force | --filter | --conn | --formats | --daemons)
      return ;;
  esac
  local options
  case $command in
    diagnose) options="--json --rules --follow --journal --journal-file --vici --settle --idle --stop-after --max-skew --threads --html --format --help" ;;
    run) options="--ike -j --jobs --out --junit --json --initiator-daemon --responder-daemon --keep --keep-secrets --scenarios --expected --filter --report --color --format -q --quiet -v --verbose --help" ;;
    list) options="--scenarios --daemons --format --help" ;;
    cleanup) options="--force --dry-run --format --help" ;;
    corpus) options="merge check --out --scenarios --ike --variants --seed --formats --daemons -j --jobs --shard --force --scenario-dir --expected-dir --variants-file --junit --format --help" ;;
    replay) options="--as --conn --out --log --json --format --fix --redacted-secrets --help" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ $command == run ]]; then
    COMPREPLY=($(compgen -W "$(_ikelab_scenarios)" -- "$cur"))
  else
    _ikelab_files
  fi
}
complete -F _ikelab ikelab
