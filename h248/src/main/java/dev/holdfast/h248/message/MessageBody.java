package dev.holdfast.h248.message;

import java.util.List;

/** {@code messageBody = errorDescriptor / transactionList}. */
public sealed interface MessageBody {
    record Transactions(List<Transaction> transactions) implements MessageBody {
        public Transactions { transactions = Checks.nonEmpty(transactions, "a message's transaction list"); }
    }

    record Error(ErrorDescriptor error) implements MessageBody {
        public Error { Checks.present(error, "the Error descriptor of a message-level error"); }
    }
}
