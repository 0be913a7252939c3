UPDATE trades SET is_short = 1, leverage = 3.0, interest_rate = 0.0005, liquidation_price = 0.00009
 WHERE id IN (204, 205);
UPDATE orders SET ft_order_side = CASE ft_order_side WHEN 'buy' THEN 'sell' ELSE 'buy' END,
                  side = CASE side WHEN 'buy' THEN 'sell' ELSE 'buy' END
 WHERE ft_trade_id IN (204, 205);
UPDATE trades SET leverage = 2.5 WHERE id = 191;
