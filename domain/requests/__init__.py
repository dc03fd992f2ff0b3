"""A disclosure request (情報公開請求 / 開示請求): commands, state, transitions, events, timers."""
