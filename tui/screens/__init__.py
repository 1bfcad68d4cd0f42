"""One module per screen: unlock, inbox (受信), waiting (未入力), entry
(交付年月日入力), outbox (送信状況), settings (設定)."""
