-- The audit trail to the standard's log kinds (住民記録システム標準仕様書 10.2, issue #17):
-- each entry names its kind (操作 ログイン イベント 通信 印刷 設定変更 エラー) and the
-- terminal it was made from (tty or SSH client address). Older entries keep '' in both,
-- and their MAC (which covers these two only when set) still verifies.
ALTER TABLE audit_log ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN terminal TEXT NOT NULL DEFAULT '';
