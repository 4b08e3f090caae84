"""The push / pull protocol, the mutation log and merge rules."""
