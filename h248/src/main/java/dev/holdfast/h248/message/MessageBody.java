package dev.holdfast.h248.message;

import java.util.List;

/** {@code messageBody = errorDescriptor / transactionList}. */
public sealed interface MessageBody {
    record Transactions(List<Transaction> transactions) implements MessageBody {
        public Transactions { transactions = List.copyOf(transactions); }
    }

    record Error(ErrorDescriptor error) implements MessageBody {}
}
